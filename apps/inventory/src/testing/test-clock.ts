import { Clock } from '../common/clock';

/** A clock the test sets and moves; every reader sees the same time. */
export class TestClock extends Clock {
  private current: number;

  constructor(start: string | Date) {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: string | Date): void {
    this.current = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
