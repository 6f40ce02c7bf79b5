import { status } from '@grpc/grpc-js';
import { Client } from 'pg';
import { inventoryInvariantViolations, JsonRecord, Stack, startStack, waitForJob } from '@cloud-inventory/testing';

type Json = JsonRecord;

const ACCOUNT = '444444444444';
const MIX = [
  { cloud_service_group: 'EC2', cloud_service_type: 'Instance' },
  { cloud_service_group: 'S3', cloud_service_type: 'Bucket' },
];
const COUNT_METRIC = 'metric-synthetic-ec2-instance-count';

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Namespaces, metrics and their data end to end, on the real apps: a collect whose plugin sends
 * inventory.Namespace and inventory.Metric (as Cloudforet's SDK does) ends SUCCESS with them
 * stored and counted; the services serve them; the metric data is computed after the job, follows
 * the inventory after another collect, and the time series over the last 30 days answers per region
 * and day (older days inserted in the database, as earlier days' runs would have left them).
 */
describe('namespaces, metrics and metric data, end to end', () => {
  let stack: Stack;
  let collectorId: string;
  let db: Client;

  const options = (count: number) => ({ count, seed: 4, mix: MIX, namespaces: true, metrics: true });

  async function collect(): Promise<Json> {
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collectorId });
    const job = await waitForJob(stack, started['job_id']);
    expect(job['status']).toBe('SUCCESS');
    return job;
  }

  const instances = async () =>
    (
      await stack.grpc.call<{ total_count: number }>('CloudService', 'list', {
        query: { filter: [{ k: 'cloud_service_type', v: 'Instance', o: 'eq' }], count_only: true },
      })
    ).total_count;

  /** Today's values of the count metric, once the after-job run has written `expected` instances (polled: it runs after the job ends). */
  async function todaysCount(expected: number): Promise<Json[]> {
    for (;;) {
      const { results } = await stack.grpc.call<{ results: Json[] }>('MetricData', 'list', {
        metric_id: COUNT_METRIC,
        query: { filter: [{ k: 'created_date', v: daysAgo(0), o: 'eq' }] },
      });
      if (results.reduce((sum, row) => sum + row['value'], 0) === expected) return results;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    stack = await startStack();
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'metrics e2e',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: options(30) },
    });
    collectorId = collector['collector_id'];
    await stack.grpc.call('Secret', 'create', { name: 'account', provider: 'synthetic', data: { account_id: ACCOUNT } });
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  afterEach(async () => {
    if (stack) expect(await inventoryInvariantViolations(stack.databaseUrl)).toEqual([]);
  });

  it('stores and counts the namespaces and metrics of a collect, which the services then serve', async () => {
    const job = await collect();
    const { results: tasks } = await stack.grpc.call<{ results: Json[] }>('JobTask', 'list', { job_id: job['job_id'] });
    // 30 cloud services, 2 namespaces and 4 metrics, nothing failed
    expect(tasks.reduce((sum, task) => sum + task['created_count'], 0)).toBe(30 + 2 + 4);
    expect(tasks.every((task) => task['failure_count'] === 0 && task['errors'].length === 0)).toBe(true);

    const namespaces = await stack.grpc.call<{ results: Json[]; total_count: number }>('Namespace', 'list', {});
    expect(namespaces.results.map((ns) => ns['namespace_id']).sort()).toEqual(['ns-synthetic-ec2-instance', 'ns-synthetic-s3-bucket']);
    expect(namespaces.results[0]).toMatchObject({ is_managed: true, resource_group: 'DOMAIN', workspace_id: '*', category: 'ASSET' });

    const metric = await stack.post('/inventory/v1/metric/get', { metric_id: COUNT_METRIC });
    expect(metric.status).toBe(200);
    expect(metric.body).toMatchObject({
      metric_type: 'GAUGE',
      resource_type: 'inventory.CloudService:synthetic.EC2.Instance',
      namespace_id: 'ns-synthetic-ec2-instance',
      is_managed: true,
      query_options: { fields: { value: { operator: 'count' } } },
    });
    expect(metric.body.labels_info.map((label: Json) => label['key'])).toEqual(
      expect.arrayContaining(['workspace_id', 'project_id', 'service_account_id', 'labels.Region', 'labels.Account']),
    );
    // over gRPC too, a filter's value (a google.protobuf.Value) as the plugin wrote it
    const vcpu = await stack.grpc.call('Metric', 'get', { metric_id: 'metric-synthetic-ec2-instance-running-vcpu' });
    expect(vcpu['query_options']['filter']).toEqual([expect.objectContaining({ key: 'data.compute.instance_state', value: 'RUNNING', operator: 'eq' })]);
    const byNamespace = await stack.grpc.call<{ total_count: number }>('Metric', 'list', { namespace_id: 'ns-synthetic-ec2-instance', is_managed: 'true' });
    expect(byNamespace.total_count).toBe(2);
    const stat = await stack.post('/inventory/v1/metric/stat', { query: { distinct: 'namespace_id' } });
    expect(stat.body).toEqual({ results: ['ns-synthetic-ec2-instance', 'ns-synthetic-s3-bucket'] });

    // a managed metric cannot be changed by hand
    const denied = await stack.grpc.call('Metric', 'delete', { metric_id: COUNT_METRIC }).then(
      () => status.OK,
      (error: { code: number }) => error.code,
    );
    expect(denied).toBe(status.PERMISSION_DENIED);
  });

  it('computes metric data after the job, and again after a collect that changed the inventory', async () => {
    const before = await instances();
    const values = await todaysCount(before);
    expect(values.length).toBeGreaterThan(0);
    expect(values[0]).toMatchObject({ metric_id: COUNT_METRIC, unit: 'Count', created_date: daysAgo(0), created_month: daysAgo(0).slice(0, 7), namespace_id: 'ns-synthetic-ec2-instance' });
    expect(Object.keys(values[0]['labels']).sort()).toEqual(['Account', 'Instance Type', 'Region', 'State']);
    expect(values.every((row) => row['labels']['Account'] === ACCOUNT)).toBe(true);

    await stack.grpc.call('Collector', 'update_plugin', { collector_id: collectorId, options: options(60) });
    await collect();
    const after = await instances();
    expect(after).toBeGreaterThan(before);
    // the day's values were replaced by the new run (one row per group, not one per run)
    const replaced = await todaysCount(after);
    const groups = new Set(replaced.map((row) => JSON.stringify(row['labels'])));
    expect(groups.size).toBe(replaced.length);
  });

  it('answers instances per region over the last 30 days, day by day, over gRPC and HTTP', async () => {
    const today = await todaysCount(await instances());
    const perRegionToday = new Map<string, number>();
    for (const row of today) perRegionToday.set(row['labels']['Region'], (perRegionToday.get(row['labels']['Region']) ?? 0) + row['value']);
    // two earlier days, as those days' runs would have left them: half the values 10 days ago, the same 40 days ago (out of range)
    await db.query(
      `INSERT INTO metric_data (metric_id, value, unit, labels, domain_id, workspace_id, project_id, service_account_id, namespace_id, created_year, created_month, created_date)
       SELECT metric_id, value / 2, unit, labels, domain_id, workspace_id, project_id, service_account_id, namespace_id, left(d, 4), left(d, 7), d
         FROM metric_data, unnest($2::text[]) AS d
        WHERE metric_id = $1 AND created_date = $3`,
      [COUNT_METRIC, [daysAgo(10), daysAgo(40)], daysAgo(0)],
    );
    const request = {
      metric_id: COUNT_METRIC,
      query: {
        granularity: 'DAILY',
        start: daysAgo(29),
        end: daysAgo(0),
        group_by: ['labels.Region'],
        fields: { instances: { key: 'value', operator: 'sum' } },
        sort: [{ key: 'date' }, { key: 'Region' }],
      },
    };
    const expected = [
      ...[...perRegionToday.entries()].sort().map(([region, value]) => ({ date: daysAgo(10), Region: region, instances: value / 2 })),
      ...[...perRegionToday.entries()].sort().map(([region, value]) => ({ date: daysAgo(0), Region: region, instances: value })),
    ].sort((a, b) => (a.date === b.date ? a.Region.localeCompare(b.Region) : a.date.localeCompare(b.date)));
    const grpcAnswer = await stack.grpc.call<{ results: Json[] }>('MetricData', 'analyze', request);
    expect(grpcAnswer.results).toEqual(expected);
    const httpAnswer = await stack.post('/inventory/v1/metric-data/analyze', request);
    expect(httpAnswer).toMatchObject({ status: 200, body: { results: expected } });

    const tooLong = await stack.post('/inventory/v1/metric-data/analyze', { ...request, query: { ...request.query, start: daysAgo(40) } });
    expect(tooLong).toMatchObject({ status: 400, body: { code: 'ERROR_INVALID_DATE_RANGE' } });
    const stat = await stack.post('/inventory/v1/metric-data/stat', { metric_id: COUNT_METRIC, query: { distinct: 'created_date' } });
    expect(stat.body.results).toEqual(expect.arrayContaining([daysAgo(0), daysAgo(10), daysAgo(40)]));
  });

  it('serves a user-defined metric: created over HTTP, run at once, refused with a wrong query', async () => {
    const ns = await stack.post('/inventory/v1/namespace/create', {
      namespace_id: 'ns-team',
      name: 'Team',
      category: 'ASSET',
      resource_type: 'inventory.CloudService',
      resource_group: 'DOMAIN',
    });
    expect(ns).toMatchObject({ status: 200, body: { namespace_id: 'ns-team', is_managed: false, group: 'etc' } });
    const created = await stack.post('/inventory/v1/metric/create', {
      metric_id: 'metric-by-type',
      name: 'Resources by type',
      metric_type: 'GAUGE',
      namespace_id: 'ns-team',
      resource_group: 'DOMAIN',
      query_options: { group_by: [{ key: 'cloud_service_type', name: 'Type' }], fields: { value: { operator: 'count' } } },
    });
    expect(created).toMatchObject({ status: 200, body: { metric_id: 'metric-by-type', resource_type: 'inventory.CloudService', is_managed: false } });
    const data = await stack.post('/inventory/v1/metric-data/list', { metric_id: 'metric-by-type' });
    const byType = Object.fromEntries(data.body.results.map((row: Json) => [row['labels']['Type'], row['value']]));
    expect(byType).toEqual({ Instance: await instances(), Bucket: expect.any(Number) });

    const test = await stack.post('/inventory/v1/metric/test', { metric_id: 'metric-by-type' });
    expect(test.body).toMatchObject({ more: false, results: expect.arrayContaining([expect.objectContaining({ Type: 'Instance' })]) });

    const wrong = await stack.post('/inventory/v1/metric/create', {
      name: 'No value',
      metric_type: 'GAUGE',
      namespace_id: 'ns-team',
      resource_group: 'DOMAIN',
      query_options: { group_by: ['name'], fields: { total: { operator: 'count' } } },
    });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'ERROR_WRONG_QUERY_OPTIONS' } });
    expect((await stack.post('/inventory/v1/metric/delete', { metric_id: 'metric-by-type' })).status).toBe(200);
    // the metric is gone, and its data with it
    expect(await stack.post('/inventory/v1/metric-data/list', { metric_id: 'metric-by-type' })).toMatchObject({ status: 404, body: { code: 'ERROR_NOT_FOUND' } });
    expect((await db.query(`SELECT count(*)::int AS n FROM metric_data WHERE metric_id = 'metric-by-type'`)).rows[0].n).toBe(0);
  });
});
