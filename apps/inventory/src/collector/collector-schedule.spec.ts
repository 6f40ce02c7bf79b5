import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { scheduleOf, Timetable } from './collector-schedule';

const scheduled = (fields: Partial<Record<keyof inventoryV1.Scheduled, unknown>>): inventoryV1.Scheduled =>
  ({ state: 'NONE', hours: [], cron: '', timezone: '', ...fields }) as unknown as inventoryV1.Scheduled;

function refusal(fields: Partial<Record<keyof inventoryV1.Scheduled, unknown>>): AppError {
  try {
    scheduleOf(scheduled(fields));
  } catch (error) {
    return error as AppError;
  }
  throw new Error(`accepted ${JSON.stringify(fields)}`);
}

describe('collector schedules', () => {
  it('keeps Cloudforet hours as they were stored (sorted, unique, no cron keys) and the state NONE as the current one', () => {
    expect(scheduleOf(scheduled({ state: 'ENABLED', hours: [17, 5, 17] }))).toEqual({ state: 'ENABLED', hours: [5, 17] });
    expect(scheduleOf(scheduled({ hours: [3] }), { state: 'ENABLED', hours: [1] })).toEqual({ state: 'ENABLED', hours: [3] });
    expect(scheduleOf(scheduled({ hours: [3] }))).toEqual({ state: 'DISABLED', hours: [3] });
    expect(scheduleOf(undefined)).toEqual({ state: 'DISABLED', hours: [] });
    expect(scheduleOf(scheduled({ state: 'ENABLED', cron: ' 0 3 * * 1-5 ', timezone: 'Europe/Berlin' }))).toEqual({
      state: 'ENABLED',
      hours: [],
      cron: '0 3 * * 1-5',
      timezone: 'Europe/Berlin',
    });
  });

  it.each([
    [{ hours: [24] }, /hours of the day \(0-23, UTC\)/],
    [{ hours: [1, 2, 3] }, /at most 2 hours/],
    [{ hours: [3], cron: '0 3 * * *' }, /either hours .* or cron, not both/],
    [{ timezone: 'Europe/Berlin' }, /timezone applies to schedule.cron only/],
    [{ hours: [3], timezone: 'UTC' }, /timezone applies to schedule.cron only/],
    [{ cron: '0 3 * *' }, /five fields .* has 4/],
    [{ cron: '0 0 3 * * *' }, /five fields .* has 6/],
    [{ cron: '@daily' }, /five fields .* has 1/],
    [{ cron: '61 3 * * *' }, /"61 3 \* \* \*" is not a valid cron expression: .*minute/],
    [{ cron: '0 3 * * MON-XYZ' }, /is not a valid cron expression/],
    [{ cron: '0 0 30 2 *' }, /never fires/],
    [{ cron: '0 3 * * *', timezone: 'Mars/Olympus_Mons' }, /"Mars\/Olympus_Mons" is not an IANA time zone/],
  ])('refuses %j with INVALID_ARGUMENT', (fields, message) => {
    const error = refusal(fields);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toMatch(message);
  });

  it('has no timetable when disabled, or enabled with neither hours nor cron', () => {
    expect(Timetable.of({ state: 'DISABLED', hours: [5] })).toBeNull();
    expect(Timetable.of({ state: 'DISABLED', hours: [], cron: '* * * * *' })).toBeNull();
    expect(Timetable.of({ state: 'ENABLED', hours: [] })).toBeNull();
  });

  it('fires hours at the top of each UTC hour; the latest slot at or before a time includes that very time', () => {
    const timetable = Timetable.of({ state: 'ENABLED', hours: [5, 17] })!;
    expect(timetable.next(new Date('2025-01-01T05:00:00Z'))).toEqual(new Date('2025-01-01T17:00:00Z'));
    expect(timetable.next(new Date('2025-01-01T17:30:00Z'))).toEqual(new Date('2025-01-02T05:00:00Z'));
    expect(timetable.latestAtOrBefore(new Date('2025-01-01T05:00:00Z'))).toEqual(new Date('2025-01-01T05:00:00Z'));
    expect(timetable.latestAtOrBefore(new Date('2025-01-01T04:59:59.999Z'))).toEqual(new Date('2024-12-31T17:00:00Z'));
    expect(timetable.latestAtOrBefore(new Date('2025-01-03T16:00:00Z'))).toEqual(new Date('2025-01-03T05:00:00Z'));
  });

  it('reads cron in its time zone, with standard day-of-month OR day-of-week', () => {
    const weekdays = Timetable.of({ state: 'ENABLED', hours: [], cron: '0 9 * * 1-5', timezone: 'Asia/Tokyo' })!;
    // Friday 10 January 2025, 09:00 JST = 00:00 UTC; then Monday
    expect(weekdays.next(new Date('2025-01-09T23:00:00Z'))).toEqual(new Date('2025-01-10T00:00:00Z'));
    expect(weekdays.next(new Date('2025-01-10T00:00:00Z'))).toEqual(new Date('2025-01-13T00:00:00Z'));
    const either = Timetable.of({ state: 'ENABLED', hours: [], cron: '0 0 1 * 1' })!; // the 1st, or a Monday
    expect(either.next(new Date('2025-01-01T00:00:00Z'))).toEqual(new Date('2025-01-06T00:00:00Z'));
  });
});
