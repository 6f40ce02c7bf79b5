// Jobs: the latest first, refreshed every 1.5 s, with each job's task progress, resource counters
// and duration (to now while it runs).
import { api } from '../api.js';
import { errorAlert, num, pager, poll, taskProgress, timeCell, updatedNow } from '../components.js';
import { badge, h, replaceChildren, table } from '../dom.js';
import { durationBetween, formatDuration } from '../format.js';
import { collectorNames, resourceCounters } from './job-data.js';

const PAGE_SIZE = 20;
const REFRESH_MS = 1500;
const STATUSES = ['IN_PROGRESS', 'SUCCESS', 'FAILURE', 'TIMEOUT', 'CANCELED'];

export async function render({ main, query, signal, setTitle, unauthenticated }) {
  setTitle('Jobs');
  const state = { status: STATUSES.includes(query.get('status')) ? query.get('status') : '', start: Math.max(1, Number(query.get('start')) || 1) };
  const updated = h('span', { class: 'updated' });
  const errors = h('div', {});
  const list = h('div', { id: 'jobs-list' });
  let refreshNow;

  const remember = () => {
    const params = new URLSearchParams();
    if (state.status) params.set('status', state.status);
    if (state.start > 1) params.set('start', String(state.start));
    history.pushState(null, '', `#/jobs${params.toString() ? `?${params}` : ''}`);
    void refreshNow();
  };

  const statusSelect = h(
    'select',
    { id: 'job-status', onChange: (event) => ((state.status = event.target.value), (state.start = 1), remember()) },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((status) => h('option', { value: status, selected: status === state.status }, status)),
  );

  main.append(
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Jobs'), h('div', { class: 'actions' }, updated)),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'job-status' }, 'Status'), statusSelect)),
    errors,
    list,
  );

  refreshNow = async () => {
    try {
      const filter = state.status ? [{ k: 'status', v: state.status, o: 'eq' }] : [];
      const { results: jobs = [], total_count: total = 0 } = await api.jobs.list(
        { query: { filter, sort: [{ key: 'created_at', desc: true }], page: { start: state.start, limit: PAGE_SIZE } } },
        { signal },
      );
      const [names, counters] = await Promise.all([
        collectorNames(jobs.map((job) => job.collector_id), signal),
        resourceCounters(jobs.map((job) => job.job_id), signal),
      ]);
      replaceChildren(
        list,
        table({
          id: 'jobs',
          caption: 'Collect jobs, newest first',
          columns: ['Job', 'Collector', 'Status', 'Tasks done', { label: 'Created', class: 'num' }, { label: 'Updated', class: 'num' }, { label: 'Failed', class: 'num' }, 'Started', 'Duration'],
          empty: state.status ? `No ${state.status} jobs.` : h('span', {}, 'No jobs yet. Start a collect from ', h('a', { href: '#/collectors' }, 'Collectors'), '.'),
          rows: jobs.map((job) => {
            const count = counters.get(job.job_id) ?? {};
            return {
              key: job.job_id,
              cells: [
                h('a', { href: `#/jobs/${encodeURIComponent(job.job_id)}`, class: 'mono', 'data-focus-key': `job-${job.job_id}` }, job.job_id),
                names.get(job.collector_id) ?? h('span', { class: 'mono' }, job.collector_id || '–'),
                badge(job.status),
                taskProgress(job),
                num(count.created ?? 0),
                num(count.updated ?? 0),
                num(count.failed ?? 0),
                timeCell(job.created_at),
                formatDuration(durationBetween(job.created_at, job.finished_at)),
              ],
            };
          }),
        }),
        total > PAGE_SIZE || state.start > 1 ? pager({ start: state.start, limit: PAGE_SIZE, total, label: 'Pages of jobs', onChange: (start) => ((state.start = start), remember()) }) : null,
      );
      errors.replaceChildren();
      updated.textContent = updatedNow();
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      if (error?.unauthenticated) {
        unauthenticated(error);
        return false;
      }
      errors.replaceChildren(errorAlert(error));
    }
    return true;
  };
  poll(refreshNow, REFRESH_MS, signal);
}
