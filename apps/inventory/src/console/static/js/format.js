// How times, durations and numbers read in the console.

const numberFormat = new Intl.NumberFormat('en');

export function formatNumber(value) {
  return typeof value === 'number' && Number.isFinite(value) ? numberFormat.format(value) : '–';
}

function pad(value, width = 2) {
  return String(value).padStart(width, '0');
}

/** '2025-03-01 14:05:09' in the browser's time zone; '–' for an empty or invalid time. */
export function formatTime(iso) {
  const date = parseTime(iso);
  if (!date) return '–';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function parseTime(iso) {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** '850 ms', '12.4 s', '3 min 05 s', '2 h 01 min'. */
export function formatDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${pad(Math.floor(seconds % 60))} s`;
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/** From start to end, or to now while it runs. */
export function durationBetween(startIso, endIso, now = Date.now()) {
  const start = parseTime(startIso);
  if (!start) return undefined;
  const end = parseTime(endIso);
  return (end ? end.getTime() : now) - start.getTime();
}

/** '5 min ago', 'just now', 'never'. */
export function formatAgo(iso, now = Date.now()) {
  const date = parseTime(iso);
  if (!date) return 'never';
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** A time element: readable text, the exact UTC instant in datetime and title. */
export function timeText(iso) {
  return { text: formatTime(iso), iso: parseTime(iso)?.toISOString() };
}
