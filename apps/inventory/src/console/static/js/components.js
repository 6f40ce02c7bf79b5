// Pieces that several pages share: time cells, error alerts, pagers, progress, polling.
import { h } from './dom.js';
import { formatAgo, formatNumber, formatTime, parseTime } from './format.js';

/** A <time> with the local, readable time; the exact UTC instant in its datetime and title. */
export function timeCell(iso, { ago = false } = {}) {
  const date = parseTime(iso);
  if (!date) return h('span', { class: 'muted' }, ago ? 'never' : '–');
  const exact = date.toISOString();
  return h('time', { datetime: exact, title: exact }, ago ? formatAgo(iso) : formatTime(iso));
}

/** An API error said plainly: its code, the HTTP status, the message, and the error id if the server logged one. */
export function errorAlert(error, { title = 'The inventory refused the request' } = {}) {
  if (error?.name === 'ApiError') {
    return h(
      'div',
      { class: 'alert', role: 'alert' },
      h('p', {}, h('strong', {}, title), ': ', h('span', { class: 'code mono' }, error.code), error.status ? ` (HTTP ${error.status})` : ''),
      h('p', { class: 'message' }, error.message),
      error.errorId ? h('p', {}, 'Error id: ', h('code', {}, error.errorId)) : null,
    );
  }
  return h('div', { class: 'alert', role: 'alert' }, h('p', {}, h('strong', {}, 'Something went wrong in the console'), ': ', String(error?.message ?? error)));
}

/** 'Showing 26–50 of 240', Previous and Next. start is 1-based as in Cloudforet's Page. */
export function pager({ start, limit, total, onChange, label }) {
  const first = total === 0 ? 0 : start;
  const last = Math.min(start + limit - 1, total);
  const pageCount = Math.max(1, Math.ceil(total / limit));
  const pageNumber = Math.floor((start - 1) / limit) + 1;
  return h(
    'nav',
    { class: 'pager', 'aria-label': label ?? 'Pages' },
    h('span', { class: 'range', 'aria-live': 'polite' }, `Showing ${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(total)}`),
    h('span', { class: 'muted' }, `page ${pageNumber} of ${pageCount}`),
    h('button', { type: 'button', disabled: start <= 1, 'data-focus-key': 'pager-previous', onClick: () => onChange(Math.max(1, start - limit)) }, '← Previous'),
    h('button', { type: 'button', disabled: last >= total, 'data-focus-key': 'pager-next', onClick: () => onChange(start + limit) }, 'Next →'),
  );
}

/** Tasks done out of the total, as a bar and as text. */
export function taskProgress(job) {
  const total = job.total_tasks ?? 0;
  const done = (job.success_tasks ?? 0) + (job.failure_tasks ?? 0);
  const shown = total === 0 && job.status !== 'IN_PROGRESS' ? 1 : done;
  return h(
    'div',
    { class: 'progress' },
    h('progress', { max: Math.max(total, 1), value: total === 0 ? shown : done, 'aria-label': `${done} of ${total} tasks done` }),
    h('span', {}, `${done} / ${total}`),
  );
}

/**
 * Runs task now and then every intervalMs until the signal aborts or the task returns false. While
 * the tab is hidden it waits, and runs again as soon as the tab is shown.
 */
export function poll(task, intervalMs, signal) {
  let timer;
  const onVisible = () => {
    if (!document.hidden) {
      document.removeEventListener('visibilitychange', onVisible);
      void run();
    }
  };
  const run = async () => {
    if (signal.aborted) return;
    if (document.hidden) {
      document.addEventListener('visibilitychange', onVisible);
      return;
    }
    let again;
    try {
      again = (await task()) !== false;
    } catch (error) {
      if (error?.name === 'AbortError') return;
      throw error;
    }
    if (again && !signal.aborted) timer = setTimeout(run, intervalMs);
  };
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  });
  void run();
}

/** 'Updated 14:05:09', beside live lists. */
export function updatedNow() {
  const now = new Date();
  return `Updated ${[now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')}`;
}

/** Cells of a number, right-aligned. */
export function num(value) {
  return { content: formatNumber(value), class: 'num' };
}
