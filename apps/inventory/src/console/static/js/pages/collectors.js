// Collectors: their plugin, schedule, last collect and latest job, with a button that starts a
// collect and opens its job.
import { api } from '../api.js';
import { errorAlert, poll, timeCell, updatedNow } from '../components.js';
import { badge, h, replaceChildren, table } from '../dom.js';
import { cancelJobControl } from './job-cancel.js';

const REFRESH_MS = 3000;

function pad(hour) {
  return `${String(hour).padStart(2, '0')}:00`;
}

/**
 * 'Daily at 03:00, 15:00 UTC' (Cloudforet's hours of the day, in UTC), 'Cron 30 2 * * 1-5 (Europe/Berlin)'
 * (ours), or 'Off'; `detail`: the next slot and the slots skipped while a job still ran, if any.
 */
export function describeSchedule(schedule, status) {
  const hours = [...(schedule?.hours ?? [])].sort((a, b) => a - b);
  if (schedule?.state !== 'ENABLED') return { state: 'DISABLED', text: 'Off', detail: '' };
  const notes = [];
  if (status?.next_run_at) notes.push(`Next: ${status.next_run_at.slice(0, 16).replace('T', ' ')} UTC`);
  if (status?.skipped_count) notes.push(`${status.skipped_count} slot(s) skipped while a job still ran`);
  const detail = notes.join('. ');
  if (schedule.cron) return { state: 'ENABLED', text: `Cron ${schedule.cron} (${schedule.timezone || 'UTC'})`, detail };
  if (hours.length === 0) return { state: 'ENABLED', text: 'On, no hours set', detail };
  return { state: 'ENABLED', text: `Daily at ${hours.map(pad).join(', ')} UTC`, detail };
}

/** { collector_id → { job_id, status, created_at } } of each collector's newest job: one stat call. */
async function latestJobs(collectorIds, signal) {
  if (collectorIds.length === 0) return new Map();
  const { results = [] } = await api.jobs.stat(
    {
      query: {
        filter: [{ k: 'collector_id', v: collectorIds, o: 'in' }],
        aggregate: [
          { sort: [{ key: 'created_at', desc: true }] },
          {
            group: {
              keys: [{ key: 'collector_id', name: 'collector_id' }],
              fields: [
                { key: 'job_id', operator: 'first', name: 'job_id' },
                { key: 'status', operator: 'first', name: 'status' },
                { key: 'created_at', operator: 'first', name: 'created_at' },
                { operator: 'count', name: 'jobs' },
              ],
            },
          },
        ],
      },
    },
    { signal },
  );
  return new Map(results.map((row) => [row.collector_id, row]));
}

export async function render({ main, signal, setTitle, navigate, unauthenticated }) {
  setTitle('Collectors');
  const updated = h('span', { class: 'updated' });
  const errors = h('div', {}); // the list could not be read (cleared by the next good refresh)
  const actionErrors = h('div', {}); // a collect did not start (kept until the next try)
  const list = h('div', { id: 'collectors-list' });
  const starting = new Set();

  main.append(h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Collectors'), h('div', { class: 'actions' }, updated)), actionErrors, errors, list);

  const collect = async (collector, button) => {
    starting.add(collector.collector_id);
    actionErrors.replaceChildren();
    button.disabled = true;
    button.firstChild.textContent = 'Starting…';
    try {
      const job = await api.collectors.collect({ collector_id: collector.collector_id }, { signal });
      navigate(`#/jobs/${encodeURIComponent(job.job_id)}`, job);
    } catch (error) {
      if (error?.name === 'AbortError') return;
      if (error?.unauthenticated) return void unauthenticated(error);
      actionErrors.replaceChildren(errorAlert(error, { title: `The collect of ${collector.name} did not start` }));
      starting.delete(collector.collector_id);
      actionErrors.scrollIntoView({ block: 'nearest' });
      await refresh(); // the row's button is enabled again
    }
  };

  const refresh = async () => {
    try {
      const { results: collectors = [] } = await api.collectors.list({ query: { sort: [{ key: 'name' }] } }, { signal });
      const latest = await latestJobs(collectors.map((c) => c.collector_id), signal);
      replaceChildren(
        list,
        table({
          id: 'collectors',
          caption: 'Collectors of this domain',
          columns: ['Name', 'Provider', 'Plugin', 'Schedule', 'Last collected', 'Latest job', 'Actions'],
          empty: 'No collectors in this domain. Create one with the API (POST /inventory/v1/collector/create) or the CLI.',
          rows: collectors.map((collector) => {
            const schedule = describeSchedule(collector.schedule, collector.schedule_status);
            const job = latest.get(collector.collector_id);
            const button = h(
              'button',
              { type: 'button', class: 'primary', 'data-focus-key': `collect-${collector.collector_id}`, disabled: starting.has(collector.collector_id) },
              h('span', {}, starting.has(collector.collector_id) ? 'Starting…' : 'Collect now'),
              h('span', { class: 'visually-hidden' }, ` ${collector.name}`),
            );
            button.addEventListener('click', () => void collect(collector, button));
            return {
              key: collector.collector_id,
              headerFirst: true,
              cells: [
                h('span', {}, collector.name, ' ', h('span', { class: 'mono muted block' }, collector.collector_id)),
                collector.provider || '–',
                h('span', { class: 'mono' }, [collector.plugin_info?.plugin_id, collector.plugin_info?.version].filter(Boolean).join(' ') || '–'),
                h('span', schedule.detail ? { title: schedule.detail } : {}, badge(schedule.state), ' ', schedule.text),
                timeCell(collector.last_collected_at, { ago: true }),
                job
                  ? h('span', { class: 'inline' }, badge(job.status), ' ', h('a', { href: `#/jobs/${encodeURIComponent(job.job_id)}`, class: 'mono' }, job.job_id), ' ', cancelJobControl(job, { compact: true, onCanceled: () => void refresh() }))
                  : h('span', { class: 'muted' }, 'none yet'),
                button,
              ],
            };
          }),
        }),
      );
      errors.replaceChildren();
      updated.textContent = updatedNow();
      return true;
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      if (error?.unauthenticated) {
        unauthenticated(error);
        return false;
      }
      errors.replaceChildren(errorAlert(error));
      return true;
    }
  };
  poll(refresh, REFRESH_MS, signal);
}
