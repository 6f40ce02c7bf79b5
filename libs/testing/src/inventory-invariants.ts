import { Client } from 'pg';
import { JsonRecord } from './json';

/** Anything that runs SQL: a pg Client or PoolClient (e.g. inside a transaction a test rolls back). */
export interface SqlRunner {
  query(text: string, values?: unknown[]): Promise<{ rows: JsonRecord[] }>;
}

/** At most this many offending rows are named per rule. */
const EXAMPLES = 5;

const OPEN_TASK = `('PENDING', 'IN_PROGRESS')`;

/**
 * What must hold in the inventory's database whatever happened before (collects that succeeded,
 * failed, were split or retried): each rule is one query for the rows that break it, and a
 * sentence naming them. Every rule reads the whole database, all domains.
 */
const RULES: { rule: string; sql: string; describe: (row: JsonRecord) => string }[] = [
  // each resource is stored once
  ...(
    [
      ['cloud_service', 'cloud_service_id', `state <> 'DELETED'`],
      ['cloud_service_type', 'cloud_service_type_id', 'true'],
      ['region', 'region_id', 'true'],
    ] as const
  ).map(([table, id, live]) => ({
    rule: `one live ${table} row per identity`,
    sql: `SELECT identity_key, array_agg(${id} ORDER BY ${id}) AS ids FROM ${table} WHERE ${live}
           GROUP BY identity_key HAVING count(*) > 1`,
    describe: (row: JsonRecord) => `identity ${row.identity_key} is stored ${row.ids.length} times (${row.ids.join(', ')})`,
  })),
  {
    // Cloudforet's first match rule, per collector and secret: a secret whose data now names
    // another account leaves the old account's resources (same resource ids) disconnected, not doubled
    rule: 'one live cloud_service row per reference.resource_id within a collector and secret',
    sql: `SELECT collector_id, secret_id, reference->>'resource_id' AS resource_id, account, cloud_service_type,
                 array_agg(cloud_service_id ORDER BY cloud_service_id) AS ids
            FROM cloud_service WHERE state <> 'DELETED' AND coalesce(reference->>'resource_id', '') <> ''
           GROUP BY domain_id, collector_id, secret_id, reference->>'resource_id', provider, cloud_service_group, cloud_service_type, account
          HAVING count(*) > 1`,
    describe: (row) =>
      `resource ${row.resource_id} (${row.cloud_service_type}, account ${row.account}) of collector ${row.collector_id}, secret ${row.secret_id} ` +
      `is stored ${row.ids.length} times (${row.ids.join(', ')})`,
  },

  // a job's counters are its tasks, counted: on the job, or recorded and not yet folded into it
  {
    rule: "a job's counters, with its endings not yet folded, equal its stored tasks",
    sql: `SELECT j.job_id, j.status, j.total_tasks, j.success_tasks, j.failure_tasks, j.remained_tasks,
                 coalesce(e.succeeded, 0) AS unfolded_succeeded, coalesce(e.failed, 0) AS unfolded_failed,
                 count(t.job_task_id)::int AS tasks,
                 count(*) FILTER (WHERE t.status = 'SUCCESS')::int AS succeeded,
                 count(*) FILTER (WHERE t.status NOT IN ${OPEN_TASK} AND t.status <> 'SUCCESS')::int AS failed,
                 count(*) FILTER (WHERE t.status IN ${OPEN_TASK})::int AS open
            FROM job j
            LEFT JOIN job_task t ON t.job_id = j.job_id
            LEFT JOIN (SELECT job_id, count(*) FILTER (WHERE succeeded)::int AS succeeded, count(*) FILTER (WHERE NOT succeeded)::int AS failed
                         FROM job_task_ending GROUP BY job_id) e ON e.job_id = j.job_id
           GROUP BY j.job_id, e.succeeded, e.failed
          HAVING j.total_tasks <> count(t.job_task_id)
              OR j.success_tasks + coalesce(e.succeeded, 0) <> count(*) FILTER (WHERE t.status = 'SUCCESS')
              OR j.failure_tasks + coalesce(e.failed, 0) <> count(*) FILTER (WHERE t.status NOT IN ${OPEN_TASK} AND t.status <> 'SUCCESS')
              OR j.remained_tasks - coalesce(e.succeeded, 0) - coalesce(e.failed, 0) <> count(*) FILTER (WHERE t.status IN ${OPEN_TASK})`,
    describe: (row) =>
      `job ${row.job_id} says total/success/failure/remained ${row.total_tasks}/${row.success_tasks}/${row.failure_tasks}/${row.remained_tasks} ` +
      `(+${row.unfolded_succeeded} succeeded, +${row.unfolded_failed} failed not folded yet), its tasks are ${row.tasks}/${row.succeeded}/${row.failed}/${row.open}`,
  },
  {
    rule: 'each ending is recorded once, for a task that has ended',
    sql: `SELECT e.job_task_id, count(*)::int AS records, min(t.status) AS status FROM job_task_ending e
            LEFT JOIN job_task t ON t.job_task_id = e.job_task_id
           GROUP BY e.job_task_id
          HAVING count(*) > 1 OR min(t.status) IS NULL OR min(t.status) IN ${OPEN_TASK}`,
    describe: (row) => `task ${row.job_task_id} (${row.status ?? 'missing'}) has ${row.records} ending record(s)`,
  },
  {
    rule: 'a job (its endings folded) ends once its last task ends, SUCCESS only without a failed task',
    sql: `SELECT job_id, status, remained_tasks, failure_tasks, finished_at IS NOT NULL AS finished FROM job j
           WHERE NOT EXISTS (SELECT 1 FROM job_task_ending e WHERE e.job_id = j.job_id)
             AND ((remained_tasks = 0) <> (status <> 'IN_PROGRESS')
              OR (remained_tasks = 0) <> (finished_at IS NOT NULL)
              OR (status = 'SUCCESS' AND failure_tasks > 0)
              OR (status = 'FAILURE' AND failure_tasks = 0))`,
    describe: (row) => `job ${row.job_id} is ${row.status} (finished_at ${row.finished ? 'set' : 'unset'}) with ${row.remained_tasks} task(s) left and ${row.failure_tasks} failed`,
  },
  {
    rule: 'a job stopped (CANCELED, TIMEOUT) has no task left open',
    sql: `SELECT j.job_id, j.status, count(*)::int AS open FROM job j JOIN job_task t ON t.job_id = j.job_id
           WHERE j.status IN ('CANCELED', 'TIMEOUT') AND t.status IN ${OPEN_TASK}
           GROUP BY j.job_id, j.status`,
    describe: (row) => `job ${row.job_id} is ${row.status} with ${row.open} task(s) still open`,
  },
  {
    rule: 'a task is queued while, and only while, it has not ended',
    sql: `SELECT t.job_task_id, t.status, t.finished_at IS NOT NULL AS finished, q.job_task_id IS NOT NULL AS queued
            FROM job_task t LEFT JOIN task_queue q ON q.job_task_id = t.job_task_id
           WHERE (t.status IN ${OPEN_TASK}) <> (q.job_task_id IS NOT NULL)
              OR (t.status IN ${OPEN_TASK}) = (t.finished_at IS NOT NULL)`,
    describe: (row) => `task ${row.job_task_id} is ${row.status}, ${row.queued ? '' : 'not '}queued, finished_at ${row.finished ? 'set' : 'unset'}`,
  },
  {
    rule: "a task's failures cover its errors, and a SUCCESS has none",
    sql: `SELECT job_task_id, status, failure_count, jsonb_array_length(errors) AS errors FROM job_task
           WHERE jsonb_array_length(errors) > failure_count OR (status = 'SUCCESS' AND failure_count > 0)`,
    describe: (row) => `task ${row.job_task_id} is ${row.status} with failure_count ${row.failure_count} and ${row.errors} error(s)`,
  },

  // the created counters are the stored rows (a batch's rows and its counters are one transaction);
  // a row created through the API (its CREATE record is a user's) and taken over by a collect was not created by it
  {
    rule: "a collector's created_count, summed over its tasks, equals its stored cloud services, namespaces and metrics",
    sql: `SELECT c.collector_id, coalesce(counted.n, 0)::int AS counted, coalesce(stored.n, 0)::int AS stored
            FROM collector c
            LEFT JOIN (SELECT collector_id, sum(created_count) AS n FROM job_task GROUP BY collector_id) counted ON counted.collector_id = c.collector_id
            LEFT JOIN (SELECT collector_id, sum(n) AS n FROM (
                         SELECT collector_id, count(*) AS n FROM cloud_service cs
                          WHERE NOT EXISTS (SELECT 1 FROM change_record r
                                             WHERE r.cloud_service_id = cs.cloud_service_id AND r.action = 'CREATE' AND r.updated_by = 'USER')
                          GROUP BY collector_id
                         UNION ALL SELECT created_by, count(*) FROM namespace GROUP BY created_by
                         UNION ALL SELECT created_by, count(*) FROM metric GROUP BY created_by) rows
                        GROUP BY collector_id) stored ON stored.collector_id = c.collector_id
           WHERE coalesce(counted.n, 0) <> coalesce(stored.n, 0)`,
    describe: (row) => `collector ${row.collector_id}: its tasks counted ${row.counted} created, ${row.stored} cloud services, namespaces and metrics are stored`,
  },

  // disconnecting: once per job and secret, after all its splits succeeded
  {
    rule: "only the last task of a secret in a job disconnects, once every split of the secret succeeded",
    sql: `SELECT t.job_task_id, t.job_id, t.secret_id, t.status,
                 (SELECT array_agg(s.status ORDER BY s.job_task_id) FROM job_task s WHERE s.job_id = t.job_id AND s.secret_id = t.secret_id) AS splits,
                 (SELECT count(*) FROM job_task s WHERE s.job_id = t.job_id AND s.secret_id = t.secret_id
                     AND s.disconnected_count + s.deleted_count > 0)::int AS disconnecting
            FROM job_task t
           WHERE t.disconnected_count + t.deleted_count > 0
             AND (EXISTS (SELECT 1 FROM job_task s WHERE s.job_id = t.job_id AND s.secret_id = t.secret_id AND s.status <> 'SUCCESS')
                  OR (SELECT count(*) FROM job_task s WHERE s.job_id = t.job_id AND s.secret_id = t.secret_id
                         AND s.disconnected_count + s.deleted_count > 0) > 1)`,
    describe: (row) =>
      `task ${row.job_task_id} of job ${row.job_id} disconnected resources of secret ${row.secret_id} while its splits are [${row.splits.join(', ')}] ` +
      `and ${row.disconnecting} of them disconnected`,
  },
  {
    rule: 'every DISCONNECTED cloud service was disconnected by a counted, successful end of its collector and secret',
    sql: `SELECT cs.cloud_service_id, cs.collector_id, cs.secret_id, cs.updated_at FROM cloud_service cs
           WHERE cs.state = 'DISCONNECTED'
             AND EXISTS (SELECT 1 FROM collector c WHERE c.collector_id = cs.collector_id)
             AND NOT EXISTS (SELECT 1 FROM job_task t
                              WHERE t.collector_id = cs.collector_id AND t.secret_id = cs.secret_id
                                AND t.finished_at = cs.updated_at AND t.status = 'SUCCESS' AND t.disconnected_count > 0)`,
    describe: (row) => `cloud service ${row.cloud_service_id} (collector ${row.collector_id}, secret ${row.secret_id}) is DISCONNECTED by no task's end`,
  },
  {
    rule: "a task's disconnected and deleted counts are the cloud services its end disconnected and deleted",
    sql: `SELECT t.job_task_id, t.disconnected_count, t.deleted_count, marked.disconnected, marked.deleted
            FROM job_task t
            CROSS JOIN LATERAL (
              SELECT count(*) FILTER (WHERE cs.state = 'DISCONNECTED' AND cs.updated_at = t.finished_at)::int AS disconnected,
                     count(*) FILTER (WHERE cs.state = 'DELETED' AND cs.deleted_at = t.finished_at)::int AS deleted
                FROM cloud_service cs WHERE cs.collector_id = t.collector_id AND cs.secret_id = t.secret_id) marked
           WHERE t.finished_at IS NOT NULL
             AND (marked.disconnected > t.disconnected_count OR marked.deleted <> t.deleted_count)`,
    describe: (row) =>
      `task ${row.job_task_id} counted ${row.disconnected_count} disconnected and ${row.deleted_count} deleted; ` +
      `${row.disconnected} cloud services are still DISCONNECTED and ${row.deleted} DELETED by its end`,
  },
];

/**
 * Checks the inventory's database against the invariants every collect must keep (see RULES):
 * each resource stored once (one live row per identity; per reference.resource_id within a
 * collector and secret), jobs' and tasks' counters equal what is stored (endings not yet folded
 * into their job included), no task left unqueued or queued after its end, a stopped job with no
 * open task, and resources disconnected only by the last, successful split of their secret.
 * Returns one sentence per violation, [] when everything holds.
 *
 * It assumes what every test of ours does: two collectors never collect the same resources (the
 * created counts are summed per collector) and jobs are deleted only with their collector.
 */
export async function inventoryInvariantViolations(database: string | SqlRunner): Promise<string[]> {
  const client = typeof database === 'string' ? new Client({ connectionString: database }) : undefined;
  const runner: SqlRunner = client ?? (database as SqlRunner);
  if (client) await client.connect();
  try {
    const violations: string[] = [];
    for (const { rule, sql, describe } of RULES) {
      const { rows } = await runner.query(`${sql} LIMIT ${EXAMPLES + 1}`);
      for (const row of rows.slice(0, EXAMPLES)) violations.push(`${rule}: ${describe(row)}`);
      if (rows.length > EXAMPLES) violations.push(`${rule}: and more`);
    }
    return violations;
  } finally {
    await client?.end();
  }
}
