import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { collectInto, instance, ResourceInfoFields } from '../testing/cloud-services';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { MetricDataService } from './metric-data.service';
import { MetricRunner } from './metric-runner';
import { MetricService } from './metric.service';
import { NamespaceService } from './namespace.service';

const DOMAIN = 'domain-metrics';
const scope = { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const };

/** A namespace as Cloudforet's collector SDK sends it: match_rules {}, its own id and version. */
function namespace(version: string, extra: Record<string, unknown> = {}): ResourceInfoFields {
  return {
    resource_type: 'inventory.Namespace',
    match_rules: {},
    resource: { namespace_id: 'ns-aws-ec2-instance', name: 'EC2/Instance', category: 'ASSET', resource_type: 'inventory.CloudService:aws.EC2.Instance', group: 'aws', icon: '', tags: {}, version, ...extra },
  };
}

function metric(version: string, extra: Record<string, unknown> = {}): ResourceInfoFields {
  return {
    resource_type: 'inventory.Metric',
    match_rules: {},
    resource: {
      metric_id: 'metric-aws-ec2-instance-count',
      name: 'Instance Count',
      metric_type: 'GAUGE',
      resource_type: 'inventory.CloudService:aws.EC2.Instance',
      query_options: {
        group_by: [{ key: 'region_code', name: 'Region', reference: { resource_type: 'inventory.Region', reference_key: 'region_code' } }, 'account'],
        fields: { value: { operator: 'count' } },
      },
      date_field: null,
      unit: 'Count',
      tags: {},
      namespace_id: 'ns-aws-ec2-instance',
      version,
      ...extra,
    },
  };
}

describe('namespaces, metrics and metric data against PostgreSQL', () => {
  let db: MigratedDatabase;
  let runner: MetricRunner;
  let metrics: MetricService;
  let namespaces: NamespaceService;
  let data: MetricDataService;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    runner = new MetricRunner(db.dataSource);
    metrics = new MetricService(db.dataSource, runner);
    namespaces = new NamespaceService(db.dataSource);
    data = new MetricDataService(db.dataSource);
  });

  afterAll(() => db.close());

  const collect = (infos: ResourceInfoFields[], workspaceId = 'ws-a') =>
    collectInto(db.dataSource, infos, { domainId: DOMAIN, workspaceId, collectorId: 'collector-metrics' });

  it('upserts namespaces and metrics by their id and version at domain level, counting them; the same version writes nothing', async () => {
    const first = await collect([namespace('1.0'), metric('1.0')]);
    expect(first.counts).toEqual({ created: 2, updated: 0, failed: 0 });
    const [ns] = await db.dataSource.query(`SELECT * FROM namespace WHERE domain_id = $1`, [DOMAIN]);
    expect(ns).toMatchObject({ namespace_id: 'ns-aws-ec2-instance', workspace_id: '*', is_managed: true, resource_group: 'DOMAIN', version: '1.0', updated_by: 'collector-metrics', created_by: 'collector-metrics' });

    // another workspace's collect, same version, other content: no write (Cloudforet compares versions only)
    const again = await collect([namespace('1.0', { name: 'renamed' }), metric('1.0')], 'ws-b');
    expect(again.counts).toEqual({ created: 0, updated: 0, failed: 0 });
    expect((await db.dataSource.query(`SELECT name FROM namespace WHERE domain_id = $1`, [DOMAIN]))[0].name).toBe('EC2/Instance');

    // a new version rewrites, except the fields fixed after create (metric_type, resource_type, namespace_id)
    const bumped = await collect([namespace('1.1', { name: 'renamed' }), metric('1.1', { metric_type: 'COUNTER', unit: 'Instances' })]);
    expect(bumped.counts).toEqual({ created: 0, updated: 2, failed: 0 });
    const [row] = await db.dataSource.query(`SELECT * FROM metric WHERE domain_id = $1`, [DOMAIN]);
    expect(row).toMatchObject({ metric_type: 'GAUGE', unit: 'Instances', version: '1.1', workspace_id: '*' });
    expect(row.labels_info.map((label: { key: string }) => label.key)).toEqual(['workspace_id', 'project_id', 'service_account_id', 'labels.Region', 'labels.account']);
    const counted = await db.dataSource.query(`SELECT count(*)::int AS n FROM metric WHERE metric_id = 'metric-aws-ec2-instance-count'`);
    expect(counted[0].n).toBe(1);
  });

  it('runs a metric as one statement per day: values per group, a re-run of the day replaces them, another day is kept', async () => {
    const fleet = [
      ...Array.from({ length: 5 }, (_, i) => instance(100 + i, { region_code: 'us-east-1' })),
      ...Array.from({ length: 3 }, (_, i) => instance(200 + i, { region_code: 'eu-west-1' })),
      instance(300, { region_code: 'eu-west-1', cloud_service_type: 'Volume' }),
    ];
    await collect(fleet);
    const [definition] = await runner.metricsOf(DOMAIN, ['metric-aws-ec2-instance-count']);
    expect(await runner.run(definition, '2026-11-20')).toEqual({ metric_id: 'metric-aws-ec2-instance-count', rows: 2 });
    const values = async (date: string) =>
      db.dataSource.query(`SELECT labels, value, created_month, created_year FROM metric_data WHERE metric_id = $1 AND created_date = $2 ORDER BY value`, [
        definition.metric_id,
        date,
      ]);
    expect(await values('2026-11-20')).toEqual([
      { labels: { Region: 'eu-west-1', account: '111' }, value: 3, created_month: '2026-11', created_year: '2026' },
      { labels: { Region: 'us-east-1', account: '111' }, value: 5, created_month: '2026-11', created_year: '2026' },
    ]);

    // two more instances in us-east-1; the same day again replaces its values, the next day gets its own
    await collect([instance(105, { region_code: 'us-east-1' }), instance(106, { region_code: 'us-east-1' })]);
    await runner.run(definition, '2026-11-20');
    await runner.run(definition, '2026-11-21');
    expect((await values('2026-11-20')).map((row: { value: number }) => row.value)).toEqual([3, 7]);
    expect((await values('2026-11-21')).map((row: { value: number }) => row.value)).toEqual([3, 7]);
  });

  it('answers a time series: instances per region per day over a range, and refuses ranges Cloudforet refuses', async () => {
    const [definition] = await runner.metricsOf(DOMAIN, ['metric-aws-ec2-instance-count']);
    await db.dataSource.query(`DELETE FROM metric_data WHERE metric_id = $1`, [definition.metric_id]);
    await runner.run(definition, '2026-11-18');
    await collect([instance(107, { region_code: 'us-east-1' })]);
    await runner.run(definition, '2026-11-19');
    const now = new Date('2026-12-01T00:00:00Z');
    const query = (start: string, end: string) =>
      ({
        metric_id: definition.metric_id,
        query: { granularity: 'DAILY', start, end, group_by: ['labels.Region'], fields: { count: { key: 'value', operator: 'sum' } }, sort: [{ key: 'date' }, { key: 'Region' }] },
      }) as unknown as inventoryV1.MetricDataAnalyzeQuery;
    const result = (await data.analyze(query('2026-11-01', '2026-11-30'), scope, now)) as unknown as { results: unknown[] };
    expect(result.results).toEqual([
      { date: '2026-11-18', Region: 'eu-west-1', count: 3 },
      { date: '2026-11-18', Region: 'us-east-1', count: 7 },
      { date: '2026-11-19', Region: 'eu-west-1', count: 3 },
      { date: '2026-11-19', Region: 'us-east-1', count: 8 },
    ]);
    const only19 = (await data.analyze(query('2026-11-19', '2026-11-19'), scope, now)) as unknown as { results: { date: string }[] };
    expect(new Set(only19.results.map((row) => row.date))).toEqual(new Set(['2026-11-19']));

    const refused = async (start: string, end: string) => {
      const error = await data.analyze(query(start, end), scope, now).catch((e: unknown) => e);
      return (error as AppError).code;
    };
    expect(await refused('2026-10-01', '2026-11-30')).toBe(ErrorCode.INVALID_DATE_RANGE);
    expect(await refused('2026-11-20', '2026-11-19')).toBe(ErrorCode.INVALID_DATE_RANGE);
    expect(await refused('2026-11', '2026-11-19')).toBe(ErrorCode.INVALID_DATE_RANGE);
    expect(await refused('2025-01-01', '2025-01-10')).toBe(ErrorCode.INVALID_DATE_RANGE);
    expect(await refused('2026-11-31', '2026-11-31')).toBe(ErrorCode.INVALID_PARAMETER);
  });

  it('serves user-defined metrics: create runs at once, a wrong query is refused, managed ones cannot be changed by hand', async () => {
    const ns = await namespaces.create(
      { namespace_id: 'ns-mine', name: 'Mine', category: 'ASSET', resource_type: 'inventory.CloudService', group: '', icon: '', tags: {}, resource_group: 'DOMAIN', workspace_id: '' } as unknown as inventoryV1.CreateNamespaceRequest,
      scope,
    );
    expect(ns).toMatchObject({ namespace_id: 'ns-mine', group: 'etc', is_managed: false, workspace_id: '*' });
    const created = await metrics.create(
      {
        metric_id: 'metric-by-type',
        name: 'By type',
        metric_type: 'GAUGE',
        resource_type: '',
        query_options: { group_by: ['cloud_service_type'], fields: { value: { operator: 'count' } } },
        namespace_id: 'ns-mine',
        resource_group: 'DOMAIN',
      } as unknown as inventoryV1.CreateMetricRequest,
      scope,
    );
    expect(created).toMatchObject({ metric_id: 'metric-by-type', resource_type: 'inventory.CloudService', is_managed: false });
    const rows = await db.dataSource.query(`SELECT labels, value FROM metric_data WHERE metric_id = 'metric-by-type' ORDER BY value`);
    expect(rows).toEqual([
      { labels: { cloud_service_type: 'Volume' }, value: 1 },
      { labels: { cloud_service_type: 'Instance' }, value: 11 },
    ]);

    const wrong = await metrics
      .create(
        { metric_id: 'metric-wrong', name: 'Wrong', metric_type: 'GAUGE', query_options: { group_by: ['name'], fields: { total: { operator: 'count' } } }, namespace_id: 'ns-mine', resource_group: 'DOMAIN' } as unknown as inventoryV1.CreateMetricRequest,
        scope,
      )
      .catch((e: unknown) => e);
    expect((wrong as AppError).code).toBe(ErrorCode.WRONG_QUERY_OPTIONS);
    expect(await db.dataSource.query(`SELECT 1 FROM metric WHERE metric_id = 'metric-wrong'`)).toEqual([]);

    const denied = await metrics.delete({ metric_id: 'metric-aws-ec2-instance-count' }, scope).catch((e: unknown) => e);
    expect((denied as AppError).code).toBe(ErrorCode.PERMISSION_DENIED);

    const test = (await metrics.test({ metric_id: 'metric-by-type', query_options: undefined }, scope)) as unknown as { results: { value: number }[] };
    expect(test.results.map((row) => row.value).sort((a, b) => a - b)).toEqual([1, 11]);

    await metrics.delete({ metric_id: 'metric-by-type' }, scope);
    expect(await db.dataSource.query(`SELECT 1 FROM metric_data WHERE metric_id = 'metric-by-type'`)).toEqual([]);
  });

  it('runs after a job only when the job changed something, and the daily run claims each metric once a day', async () => {
    const { job } = await collect([]);
    expect(await runner.runAfterJob({ job_id: job.jobId, domain_id: DOMAIN })).toEqual([]);
    const changed = await collect([instance(400)]);
    const after = await runner.runAfterJob({ job_id: changed.job.jobId, domain_id: DOMAIN });
    expect(after.map((result) => result.metric_id)).toEqual(['metric-aws-ec2-instance-count']);

    const firstDaily = await runner.runDaily('2099-11-25');
    expect(firstDaily.map((result) => result.metric_id)).toContain('metric-aws-ec2-instance-count');
    expect(await runner.runDaily('2099-11-25')).toEqual([]);
    // a day some other run already computed is not run again by the daily run
    const [definition] = await runner.metricsOf(DOMAIN, ['metric-aws-ec2-instance-count']);
    await runner.run(definition, '2099-11-26');
    expect((await runner.runDaily('2099-11-26')).map((result) => result.metric_id)).not.toContain('metric-aws-ec2-instance-count');
  });
});
