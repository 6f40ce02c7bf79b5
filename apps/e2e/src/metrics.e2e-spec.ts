import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { JsonRecord, PromScrape, Stack, WORKSPACE, scrapePrometheus, startStack, waitFor, waitForJob } from '@cloud-inventory/testing';

const COUNT = 60;
const TYPES = ['inventory.CloudService', 'inventory.CloudServiceType', 'inventory.Region'];
const TABLE_OF_TYPE: Record<string, string> = {
  'inventory.CloudService': 'cloud_service',
  'inventory.CloudServiceType': 'cloud_service_type',
  'inventory.Region': 'region',
};

/**
 * GET /metrics of the three running apps after real collects: the numbers are checked against what
 * the collects wrote (rows in PostgreSQL, task counters) and against each other across processes.
 */
describe('metrics (GET /metrics of the inventory and both plugins)', () => {
  let stack: Stack;
  let collectorId: string;
  let db: Client;

  const options = (extra: Record<string, unknown> = {}) => ({
    count: COUNT,
    seed: 3,
    version: 1,
    storage_plugin: { plugin_id: 'file-storage', options: {} },
    ...extra,
  });

  const inventory = () => scrapePrometheus(stack.httpUrl);
  const collectorPlugin = () => scrapePrometheus(stack.collectorPluginMetricsUrl);
  const storagePlugin = () => scrapePrometheus(stack.storagePluginMetricsUrl);

  async function startCollect(extra: Record<string, unknown> = {}): Promise<string> {
    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: options(extra) });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    return started['job_id'];
  }

  async function tasksOf(jobId: string): Promise<JsonRecord[]> {
    return (await stack.grpc.call<{ results: JsonRecord[] }>('JobTask', 'list', { job_id: jobId })).results;
  }

  async function rows(table: string): Promise<number> {
    return (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }

  const ingested = (scrape: PromScrape, resourceType: string, outcome: string) =>
    scrape.sum('inventory_resources_ingested_total', { resource_type: resourceType, outcome });

  beforeAll(async () => {
    stack = await startStack();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'metrics e2e',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: options() },
    });
    collectorId = collector['collector_id'];
    await stack.grpc.call('Secret', 'create', { name: 'metrics account', provider: 'synthetic', data: { account_id: '333333333333' } });
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('counts the resources a collect wrote by type and outcome, its task, its batches and its storage exports', async () => {
    const before = await inventory();
    expect(TYPES.every((type) => ingested(before, type, 'created') === 0)).toBe(true);

    const job = await waitForJob(stack, await startCollect());
    expect(job['status']).toBe('SUCCESS');
    const [task] = await tasksOf(job['job_id']);
    expect(task).toMatchObject({ status: 'SUCCESS', created_count: COUNT });

    const after = await inventory();
    // every row the collect created is counted once, by its type; nothing else
    for (const type of TYPES) {
      expect([type, ingested(after, type, 'created')]).toEqual([type, await rows(TABLE_OF_TYPE[type])]);
      expect([type, ingested(after, type, 'updated'), ingested(after, type, 'failed')]).toEqual([type, 0, 0]);
    }
    expect(ingested(after, 'inventory.CloudService', 'created')).toBe(COUNT);
    expect(after.sum('inventory_job_tasks_finished_total', { status: 'SUCCESS' })).toBe(1);
    expect(after.sum('inventory_job_task_duration_seconds_count', { status: 'SUCCESS' })).toBe(1);
    expect(after.sum('inventory_job_task_duration_seconds_sum', { status: 'SUCCESS' })).toBeGreaterThan(0);
    // batches of INGEST_BATCH_SIZE=100 (the stack's): at least one per 100 messages
    const batches = after.sum('inventory_ingest_batch_write_seconds_count', { outcome: 'ok' });
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(COUNT / 100));
    expect(after.sum('inventory_ingest_batch_write_seconds_count', { outcome: 'error' })).toBe(0);

    // across processes: the exports the inventory timed are the ones the storage plugin served
    // (plus one job_finished export per job), and it wrote every resource the inventory ingested
    const exportsTimed = after.sum('inventory_storage_export_seconds_count', { outcome: 'ok' });
    expect(exportsTimed).toBeGreaterThanOrEqual(batches);
    // the job_finished export is sent once the job has ended: it may still be on its way
    const exportsServed = (scrape: PromScrape) =>
      scrape.sum('grpc_server_handled_total', { grpc_service: 'spaceone.api.inventory.plugin.Storage', grpc_method: 'export', grpc_code: 'OK' });
    const storage = await waitFor('the job_finished export to be served', async () => {
      const scrape = await storagePlugin();
      return exportsServed(scrape) >= exportsTimed + 1 ? scrape : undefined;
    });
    expect(exportsServed(storage)).toBe(exportsTimed + 1);
    const written = TYPES.reduce((sum, type) => sum + ingested(after, type, 'created'), 0);
    expect(storage.sum('storage_plugin_exported_resources_total', { destination: 'file' })).toBe(written);

    // the collector plugin streamed what the inventory ingested, in one completed stream
    const collector = await collectorPlugin();
    expect(collector.sum('grpc_server_handled_total', { grpc_service: 'spaceone.api.inventory.plugin.Collector', grpc_method: 'collect', grpc_code: 'OK' })).toBe(1);
    expect(collector.sum('collector_plugin_streamed_messages_total', { source: 'synthetic', outcome: 'completed' })).toBe(
      TYPES.reduce((sum, type) => sum + ingested(after, type, 'created') + ingested(after, type, 'unchanged'), 0),
    );
  });

  it('shows the running task in the queue depth while it runs, then an empty queue; a second collect counts unchanged resources', async () => {
    const before = await inventory();
    // a slow stream (about 50 ms per message) keeps the task leased long enough to be seen
    const jobId = await startCollect({ delay_ms: 50 });
    const running = await waitFor('the task to be leased in /metrics', async () => {
      const scrape = await inventory();
      // claimed (leased) and started (IN_PROGRESS): the task's stream is running
      return scrape.sum('inventory_task_queue_depth', { status: 'leased', task_status: 'IN_PROGRESS' }) === 1 ? scrape : undefined;
    });
    expect(running.sum('inventory_jobs_in_progress')).toBe(1);
    expect(running.sum('inventory_task_queue_depth')).toBe(1);
    expect((await waitForJob(stack, jobId))['status']).toBe('SUCCESS');

    const after = await inventory();
    expect(after.sum('inventory_task_queue_depth')).toBe(0);
    expect(after.has('inventory_task_queue_depth', { status: 'ready' })).toBe(true);
    expect(after.sum('inventory_jobs_in_progress')).toBe(0);
    const unchanged = ingested(after, 'inventory.CloudService', 'unchanged') - ingested(before, 'inventory.CloudService', 'unchanged');
    expect(unchanged).toBe(COUNT);
    expect(ingested(after, 'inventory.CloudService', 'created')).toBe(ingested(before, 'inventory.CloudService', 'created'));
    expect(after.sum('inventory_job_tasks_finished_total', { status: 'SUCCESS' })).toBe(2);
  });

  it('counts a failing plugin call by its gRPC code, and the failed task by its status', async () => {
    const before = await inventory();
    const errors = (scrape: PromScrape) =>
      scrape.sum('inventory_plugin_call_errors_total', { plugin_id: 'synthetic', method: 'collect', grpc_code: 'INTERNAL' });
    const job = await waitForJob(stack, await startCollect({ version: 2, fail_after: 10 }));
    expect(job['status']).toBe('FAILURE');

    const after = await inventory();
    expect(errors(after) - errors(before)).toBe(1);
    expect(after.sum('inventory_job_tasks_finished_total', { status: 'FAILURE' })).toBe(1);
    expect(after.sum('inventory_job_task_duration_seconds_count', { status: 'FAILURE' })).toBe(1);
    const collector = await collectorPlugin();
    expect(collector.sum('grpc_server_handled_total', { grpc_method: 'collect', grpc_code: 'INTERNAL' })).toBe(1);
    expect(collector.sum('collector_plugin_streamed_messages_total', { outcome: 'failed' })).toBe(10);
  });

  it('reports the database pool and the process of every app', async () => {
    const scrape = await inventory();
    expect(scrape.sum('inventory_db_pool_max_connections')).toBe(12);
    expect(scrape.sum('inventory_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(scrape.sum('inventory_db_pool_connections')).toBeGreaterThanOrEqual(scrape.sum('inventory_db_pool_idle_connections'));
    expect(scrape.has('inventory_db_pool_waiting_clients')).toBe(true);
    for (const app of [scrape, await collectorPlugin(), await storagePlugin()]) {
      expect(app.sum('process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(app.types.get('process_cpu_seconds_total')).toBe('counter');
      expect(app.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    }
    // tracing is off without OTEL_EXPORTER_OTLP_ENDPOINT: no trace ids in the log lines
    expect(stack.inventory.log()).not.toContain('trace_id');
    // the plugins' metrics server serves /metrics only
    expect((await fetch(`${stack.collectorPluginMetricsUrl}/other`)).status).toBe(404);
  });

  it('the Grafana dashboard (deploy/grafana) queries only metrics the apps export', async () => {
    const dashboard = JSON.parse(readFileSync(join(WORKSPACE, 'deploy/grafana/cloud-inventory.json'), 'utf8')) as DashboardJson;
    const exported = new Set<string>();
    for (const scrape of [await inventory(), await collectorPlugin(), await storagePlugin()]) for (const name of scrape.names()) exported.add(name);

    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const used = new Set<string>();
    for (const { panel, expr } of queries) {
      const names = metricNamesOf(expr);
      expect([panel, expr, names.length > 0]).toEqual([panel, expr, true]);
      for (const name of names) {
        used.add(name);
        expect([panel, name, exported.has(name)]).toEqual([panel, name, true]);
      }
    }
    // and the dashboard shows every metric family the inventory defines
    const ours = [...(await inventory()).types.keys()].filter((name) => name.startsWith('inventory_'));
    for (const name of ours) {
      const shown = [...used].some((u) => u === name || u.startsWith(`${name}_`));
      expect([name, shown]).toEqual([name, true]);
    }
  });
});

interface DashboardJson {
  panels: { title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; query?: unknown }[] };
}

function dashboardQueries(dashboard: DashboardJson): { panel: string; expr: string }[] {
  const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
  for (const variable of dashboard.templating.list) {
    if (typeof variable.query === 'string' && variable.query.startsWith('label_values(')) queries.push({ panel: `$${variable.name}`, expr: variable.query });
  }
  return queries;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/** The metric names of a PromQL expression: identifiers that are not functions, keywords, labels or ranges. */
function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ') // grouping labels
    .replace(/"[^"]*"/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice(match.index! + match[0].length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(match[0])) continue;
    // label_values(metric, label): the second argument is a label
    if (/^label_values\(/.test(expr) && stripped.slice(0, match.index).includes(',')) continue;
    names.push(match[0]);
  }
  return names;
}
