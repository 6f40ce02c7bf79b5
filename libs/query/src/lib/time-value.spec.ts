import { parseIsoDateTime, parseTimediff } from './time-value';

describe('parseIsoDateTime', () => {
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T10:20', '2024-03-01T10:20:00.000Z'],
    ['2024-03-01T10:20:30Z', '2024-03-01T10:20:30.000Z'],
    ['2024-03-01 10:20:30.123456', '2024-03-01T10:20:30.123Z'],
    ['2024-03-01T10:20:30+09:00', '2024-03-01T01:20:30.000Z'],
    ['2024-03-01T10:20:30-0130', '2024-03-01T11:50:30.000Z'],
    ['2022-06-17T08:00:01.225Z', '2022-06-17T08:00:01.225Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseIsoDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', '2024-02-30', '2024-13-01', '2024-01-01T24:00', '0000-01-01', '2024-1-1', '2024-01-01T10:20+25:00', "2024-01-01'"])(
    'refuses %j',
    (text) => {
      expect(parseIsoDateTime(text)).toBeUndefined();
    },
  );
});

describe('parseTimediff', () => {
  const now = new Date('2024-05-15T13:45:30.500Z'); // Wednesday

  it.each([
    ['now', '2024-05-15T13:45:30.500Z'],
    ['now/d', '2024-05-15T00:00:00.000Z'],
    ['now/w', '2024-05-13T00:00:00.000Z'],
    ['now/m', '2024-05-01T00:00:00.000Z'],
    ['now/d - 7d', '2024-05-08T00:00:00.000Z'],
    ['now/d-7d', '2024-05-08T00:00:00.000Z'],
    [' now + 2h ', '2024-05-15T15:45:30.500Z'],
    ['now - 30s', '2024-05-15T13:45:00.500Z'],
    ['now/w + 1w', '2024-05-20T00:00:00.000Z'],
    ['now-90m', '2024-05-15T12:15:30.500Z'],
  ])('%j → %s', (text, iso) => {
    expect(parseTimediff(text, now)?.toISOString()).toBe(iso);
  });

  it('puts now/w on Monday also when today is Sunday or Monday', () => {
    expect(parseTimediff('now/w', new Date('2024-05-19T23:00:00Z'))?.toISOString()).toBe('2024-05-13T00:00:00.000Z');
    expect(parseTimediff('now/w', new Date('2024-05-13T01:00:00Z'))?.toISOString()).toBe('2024-05-13T00:00:00.000Z');
  });

  it.each(['now/y', 'now - 7', 'now * 2d', 'today', 'now/d - 7d; --', 'now - 9999999999d', 'now + 999999999w'])('refuses %j', (text) => {
    expect(parseTimediff(text, now)).toBeUndefined();
  });
});
