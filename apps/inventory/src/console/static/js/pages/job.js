// One job: its status, progress and counters, its tasks and their errors, refreshed every 1.5 s
// until the job has ended.
import { api } from '../api.js';
import { errorAlert, num, pager, poll, taskProgress, timeCell, updatedNow } from '../components.js';
import { badge, h, replaceChildren, table } from '../dom.js';
import { durationBetween, formatDuration, formatNumber } from '../format.js';
import { cancelJobControl } from './job-cancel.js';
import { collectorNames, resourceCounters } from './job-data.js';

const REFRESH_MS = 1500;
const TASK_PAGE_SIZE = 50;

function item(term, ...description) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, description));
}

function summary(job, collectorName, counters) {
  return h(
    'dl',
    { class: 'summary', id: 'job-summary' },
    item('Status', badge(job.status)),
    item('Tasks done', taskProgress(job)),
    item('Tasks succeeded / failed', `${formatNumber(job.success_tasks ?? 0)} / ${formatNumber(job.failure_tasks ?? 0)}`),
    item('Collector', h('a', { href: '#/collectors' }, collectorName ?? job.collector_id)),
    item('Plugin', h('span', { class: 'mono' }, job.plugin_id || '–')),
    counters ? item('Resources created', formatNumber(counters.created ?? 0)) : null,
    counters ? item('Resources updated', formatNumber(counters.updated ?? 0)) : null,
    counters ? item('Resources failed', formatNumber(counters.failed ?? 0)) : null,
    counters ? item('Disconnected / deleted', `${formatNumber(counters.disconnected ?? 0)} / ${formatNumber(counters.deleted ?? 0)}`) : null,
    item('Started', timeCell(job.created_at)),
    item('Finished', timeCell(job.finished_at)),
    item('Duration', formatDuration(durationBetween(job.created_at, job.finished_at))),
    job.request_secret_id ? item('Secret asked for', h('span', { class: 'mono' }, job.request_secret_id)) : null,
  );
}

function tasksTable(tasks) {
  return table({
    id: 'job-tasks',
    caption: 'Tasks (one per secret and part)',
    columns: ['Task', 'Secret', 'Status', ...['Created', 'Updated', 'Failed', 'Disconnected', 'Deleted'].map((label) => ({ label, class: 'num' })), 'Started', 'Duration', { label: 'Errors', class: 'num' }],
    empty: 'This job has no tasks.',
    rows: tasks.map((task) => ({
      key: task.job_task_id,
      cells: [
        h('span', { class: 'mono' }, task.job_task_id),
        h('span', { class: 'mono' }, task.secret_id || '–'),
        badge(task.status),
        num(task.created_count ?? 0),
        num(task.updated_count ?? 0),
        num(task.failure_count ?? 0),
        num(task.disconnected_count ?? 0),
        num(task.deleted_count ?? 0),
        timeCell(task.started_at),
        formatDuration(durationBetween(task.started_at, task.finished_at)),
        num(task.errors?.length ?? 0),
      ],
    })),
  });
}

function json(value) {
  if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)) return h('span', { class: 'muted' }, '–');
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

function errorsSection(tasks) {
  const failing = tasks.filter((task) => task.errors?.length);
  if (failing.length === 0) return h('p', { class: 'muted', id: 'job-errors' }, 'No task reported an error.');
  return h(
    'div',
    { id: 'job-errors' },
    failing.map((task) =>
      h(
        'section',
        { class: 'errors', 'aria-label': `Errors of task ${task.job_task_id}` },
        table({
          caption: `Task ${task.job_task_id}: ${task.errors.length} error${task.errors.length === 1 ? '' : 's'}`,
          columns: ['Error code', 'Message', 'Additional'],
          className: 'task-errors',
          rows: task.errors.map((error) => [h('span', { class: 'mono' }, error.error_code || '–'), error.message || '–', json(error.additional)]),
        }),
      ),
    ),
  );
}

export async function render({ main, params, signal, setTitle, handoff, unauthenticated }) {
  const [jobId] = params;
  setTitle(`Job ${jobId}`);
  const updated = h('span', { class: 'updated' });
  const actions = h('div', { class: 'actions' });
  const errors = h('div', {});
  const head = h('div', {});
  const tasksSlot = h('div', {});
  const errorsSlot = h('div', {});
  let taskStart = 1;

  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/jobs' }, 'Jobs'), ' / ', jobId),
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Job ', h('span', { class: 'mono' }, jobId)), actions),
    errors,
    h('section', { class: 'card', 'aria-label': 'Summary' }, head),
    h('h2', {}, 'Tasks'),
    tasksSlot,
    h('h2', {}, 'Errors'),
    errorsSlot,
  );

  let refresh;
  const showJob = (job, name, counters) => {
    replaceChildren(head, summary(job, name, counters));
    // once canceled, one more read shows its tasks CANCELED (polling stops with IN_PROGRESS)
    replaceChildren(actions, cancelJobControl(job, { onCanceled: () => void refresh() }), updated);
  };
  // a collect just started from the console hands its answer over: show it before the first poll
  if (handoff?.job_id === jobId) showJob(handoff);

  refresh = async () => {
    try {
      const [job, taskPage] = await Promise.all([
        api.jobs.get({ job_id: jobId }, { signal }),
        api.jobTasks.list({ job_id: jobId, query: { sort: [{ key: 'created_at' }], page: { start: taskStart, limit: TASK_PAGE_SIZE } } }, { signal }),
      ]);
      const [names, counters] = await Promise.all([collectorNames([job.collector_id], signal), resourceCounters([jobId], signal)]);
      const tasks = taskPage.results ?? [];
      showJob(job, names.get(job.collector_id), counters.get(jobId) ?? {});
      replaceChildren(
        tasksSlot,
        tasksTable(tasks),
        (taskPage.total_count ?? 0) > TASK_PAGE_SIZE
          ? pager({ start: taskStart, limit: TASK_PAGE_SIZE, total: taskPage.total_count, label: 'Pages of tasks', onChange: (start) => ((taskStart = start), void refresh()) })
          : null,
      );
      replaceChildren(errorsSlot, errorsSection(tasks));
      errors.replaceChildren();
      updated.textContent = updatedNow();
      return job.status === 'IN_PROGRESS';
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      if (error?.unauthenticated) {
        unauthenticated(error);
        return false;
      }
      errors.replaceChildren(errorAlert(error));
      return error?.status !== 404;
    }
  };
  poll(refresh, REFRESH_MS, signal);
}
