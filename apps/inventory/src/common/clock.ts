import { readFileSync } from 'node:fs';

/**
 * Where time comes from for whatever runs on a timetable (schedules, retention): the system clock
 * in the app, a clock the test moves in tests. Nothing that decides "is it due?" reads Date.now().
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * The time written in a file (an ISO 8601 time), read at every look: tests of the built apps set
 * it for every process at once (INVENTORY_CLOCK_FILE), so schedules and retention run at the
 * times a test chooses, without waiting for them. It stands still until the file changes.
 */
export class FileClock extends Clock {
  constructor(private readonly path: string) {
    super();
  }

  now(): Date {
    const text = readFileSync(this.path, 'utf8').trim();
    const time = new Date(text);
    if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(time.getTime())) {
      throw new Error(`INVENTORY_CLOCK_FILE ${this.path} holds "${text.slice(0, 40)}", not an ISO 8601 time such as 2030-01-07T06:30:00Z`);
    }
    return time;
  }
}

/** The clock of the app: INVENTORY_CLOCK_FILE's when set (tests), the system's otherwise. */
export function clockOf(config: { clockFile?: string }): Clock {
  return config.clockFile ? new FileClock(config.clockFile) : new SystemClock();
}
