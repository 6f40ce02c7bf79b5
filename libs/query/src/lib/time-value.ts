/** Times in filters: ISO-8601 strings and Cloudforet's `now/d - 7d` expressions, both computed here, bound as timestamps. */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses an ISO-8601 date or date-time (UTC when no offset is given); undefined when it is not one. */
export function parseIsoDateTime(text: string): Date | undefined {
  const match = ISO.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((fraction + '000').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const result = new Date(date.getTime() - offsetMinutes * 60_000);
  return inRange(result) ? result : undefined;
}

const TIMEDIFF = /^\s?(now(?:\/[dwm])?)\s?(?:([+-])\s?(\d{1,9})([smhdw])\s?)?$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Cloudforet's timediff values: `now`, `now/d` (today 00:00 UTC), `now/w` (Monday 00:00 UTC), `now/m`
 * (the 1st, 00:00 UTC), each optionally followed by `+ N` or `- N` with a unit s, m, h, d or w.
 */
export function parseTimediff(text: string, now: Date): Date | undefined {
  const match = TIMEDIFF.exec(text);
  if (!match) return undefined;
  const [, base, sign, amount, unit] = match;
  const start = new Date(now.getTime());
  if (base !== 'now') start.setUTCHours(0, 0, 0, 0);
  if (base === 'now/w') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  if (base === 'now/m') start.setUTCDate(1);
  let time = start.getTime();
  if (sign && amount && unit) time += (sign === '-' ? -1 : 1) * Number(amount) * UNIT_MS[unit];
  const result = new Date(time);
  return inRange(result) ? result : undefined;
}

function inRange(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isFinite(date.getTime()) && year >= 1 && year <= 9999;
}
