// What the jobs pages read besides jobs: collector names, and each job's resource counters
// summed over its tasks (one stat call for a whole page of jobs).
import { api } from '../api.js';

/** { collector_id → name } for the given ids. */
export async function collectorNames(collectorIds, signal) {
  const ids = [...new Set(collectorIds.filter(Boolean))];
  if (ids.length === 0) return new Map();
  const { results = [] } = await api.collectors.list({ query: { filter: [{ k: 'collector_id', v: ids, o: 'in' }], only: ['collector_id', 'name'] } }, { signal });
  return new Map(results.map((c) => [c.collector_id, c.name]));
}

/** { job_id → { created, updated, failed, disconnected, deleted } } from the jobs' tasks. */
export async function resourceCounters(jobIds, signal) {
  if (jobIds.length === 0) return new Map();
  const { results = [] } = await api.jobTasks.stat(
    {
      query: {
        filter: [{ k: 'job_id', v: jobIds, o: 'in' }],
        aggregate: [
          {
            group: {
              keys: [{ key: 'job_id', name: 'job_id' }],
              fields: [
                { key: 'created_count', operator: 'sum', name: 'created' },
                { key: 'updated_count', operator: 'sum', name: 'updated' },
                { key: 'failure_count', operator: 'sum', name: 'failed' },
                { key: 'disconnected_count', operator: 'sum', name: 'disconnected' },
                { key: 'deleted_count', operator: 'sum', name: 'deleted' },
              ],
            },
          },
        ],
      },
    },
    { signal },
  );
  return new Map(results.map((row) => [row.job_id, row]));
}
