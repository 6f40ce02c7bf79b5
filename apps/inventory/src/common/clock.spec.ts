import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockOf, FileClock, SystemClock } from './clock';

describe('clocks', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'clock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a file clock tells the time written in its file, and follows the file when it changes', () => {
    const file = join(dir, 'now');
    writeFileSync(file, '2030-01-07T06:30:00Z\n');
    const clock = clockOf({ clockFile: file });
    expect(clock).toBeInstanceOf(FileClock);
    expect(clock.now()).toEqual(new Date('2030-01-07T06:30:00Z'));
    writeFileSync(file, '2030-01-08T12:30:00.500+05:30');
    expect(clock.now()).toEqual(new Date('2030-01-08T07:00:00.500Z'));
  });

  it.each(['', 'tomorrow', '1893456000000', '2030-13-45T99:00:00Z'])('a file clock refuses %j, naming the file and the expected form', (text) => {
    const file = join(dir, 'now');
    writeFileSync(file, text);
    expect(() => new FileClock(file).now()).toThrow(`INVENTORY_CLOCK_FILE ${file} holds "${text}", not an ISO 8601 time`);
  });

  it('without INVENTORY_CLOCK_FILE the app goes by the system clock', () => {
    expect(clockOf({})).toBeInstanceOf(SystemClock);
    const before = Date.now();
    const now = clockOf({}).now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
