import { Cron } from 'croner';
import { AppError } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { StoredSchedule } from './collector.entity';

/** Cloudforet's limit (ERROR_INVALID_PARAMETER "Maximum 2 hours can be set."). */
const MAX_HOURS = 2;

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function cronOf(pattern: string, timezone: string | undefined): Cron {
  return new Cron(pattern, { timezone: timezone ?? 'UTC', mode: '5-part', paused: true });
}

/** Checks a cron expression and its time zone; throws INVALID_ARGUMENT naming what is wrong. */
function checkCron(cron: string, timezone: string | undefined): void {
  const fields = cron.split(/\s+/);
  if (fields.length !== 5) {
    throw AppError.invalid(
      `schedule.cron must have five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *"; "${cron}" has ${fields.length}.`,
    );
  }
  if (timezone !== undefined && !validTimezone(timezone)) {
    throw AppError.invalid(`schedule.timezone "${timezone}" is not an IANA time zone (e.g. "Europe/Berlin", "America/New_York", "UTC").`);
  }
  let pattern: Cron;
  try {
    pattern = cronOf(cron, timezone);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw AppError.invalid(`schedule.cron "${cron}" is not a valid cron expression: ${reason}.`);
  }
  if (pattern.nextRun(new Date()) === null) throw AppError.invalid(`schedule.cron "${cron}" never fires.`);
}

/**
 * The schedule a create or update request sets, checked. An update's schedule replaces hours,
 * cron and timezone; its state NONE keeps the current state (a new collector's is DISABLED).
 * An ENABLED schedule with neither hours nor cron is accepted, as Cloudforet does, and never fires.
 */
export function scheduleOf(schedule: inventoryV1.Scheduled | undefined | null, current?: StoredSchedule): StoredSchedule {
  if (!schedule) return current ?? { state: 'DISABLED', hours: [] };
  const hours = schedule.hours ?? [];
  if (hours.some((hour) => !Number.isInteger(hour) || hour < 0 || hour > 23)) {
    throw AppError.invalid('schedule.hours must be hours of the day (0-23, UTC).');
  }
  if (new Set(hours).size > MAX_HOURS) throw AppError.invalid(`schedule.hours: at most ${MAX_HOURS} hours can be set.`);
  const cron = schedule.cron?.trim() || undefined;
  const timezone = schedule.timezone?.trim() || undefined;
  if (cron !== undefined && hours.length > 0) {
    throw AppError.invalid('schedule: set either hours (UTC hours of the day) or cron, not both.');
  }
  if (timezone !== undefined && cron === undefined) {
    throw AppError.invalid('schedule.timezone applies to schedule.cron only (schedule.hours are UTC hours).');
  }
  if (cron !== undefined) checkCron(cron, timezone);
  const requested = schedule.state as string;
  const state = requested === 'NONE' || !requested ? (current?.state ?? 'DISABLED') : requested;
  return {
    state,
    hours: [...new Set(hours)].sort((a, b) => a - b),
    ...(cron !== undefined ? { cron } : {}),
    ...(timezone !== undefined ? { timezone } : {}),
  };
}

/** The schedule as CollectorInfo shows it. */
export function toScheduled(schedule: StoredSchedule): inventoryV1.Scheduled {
  return {
    state: schedule.state as inventoryV1.Scheduled_ScheduledState,
    hours: schedule.hours,
    cron: schedule.cron ?? '',
    timezone: schedule.timezone ?? '',
  };
}

/** When a schedule fires: its slots, as instants. */
export class Timetable {
  private constructor(private readonly cron: Cron) {}

  /** The timetable of an ENABLED schedule; null when the schedule never fires (disabled, or no hours and no cron). */
  static of(schedule: StoredSchedule): Timetable | null {
    if (schedule.state !== 'ENABLED') return null;
    if (schedule.cron) return new Timetable(cronOf(schedule.cron, schedule.timezone));
    if (schedule.hours.length > 0) return new Timetable(cronOf(`0 ${schedule.hours.join(',')} * * *`, 'UTC'));
    return null;
  }

  /** The first slot strictly after `after`. */
  next(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** The latest slot at or before `at` (the one a catch-up run fires for). */
  latestAtOrBefore(at: Date): Date | null {
    // previousRuns includes a run earlier in the reference's second: end the second where `at` is
    const reference = new Date(Math.floor(at.getTime() / 1000) * 1000 + 999);
    return this.cron.previousRuns(1, reference)[0] ?? null;
  }
}
