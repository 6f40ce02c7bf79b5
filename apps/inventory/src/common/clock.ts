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
