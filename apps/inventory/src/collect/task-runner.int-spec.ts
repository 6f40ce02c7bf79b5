import { randomBytes } from 'node:crypto';
import { secretV1 } from '@cloud-inventory/proto';
import { CollectorRepository } from '../collector/collector.repository';
import { InventoryConfig } from '../inventory.config';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryRepository } from '../plugin/plugin-registry.repository';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretCipher } from '../secret/secret-cipher';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { collectParts } from '../testing/collect-parts';
import { createJob, JobFixture, jobRow } from '../testing/fixtures';
import { InProcessPlugins, startInProcessPlugins } from '../testing/in-process-plugins';
import { createMigratedDatabase, MigratedDatabase, testConfig } from '../testing/migrated-database';
import { JobTraceRepository } from './job-trace.repository';
import { JobStopper } from './job-stopper';
import { StorageExporters } from './storage-exporter';
import { TaskRunner } from './task-runner';

const OWNER = 'worker-1';
const DOMAIN = 'domain-runner';
const SECRET_VALUE = 'AKIA-very-secret-value';

describe('TaskRunner against PostgreSQL and in-process plugins', () => {
  let db: MigratedDatabase;
  let plugins: InProcessPlugins;
  let clients: PluginClients;
  let registry: PluginRegistryService;
  let secrets: SecretService;
  let runner: TaskRunner;
  let config: InventoryConfig;
  let runnerWith: (overrides: Partial<InventoryConfig>) => TaskRunner;
  let stopper: JobStopper;

  beforeAll(async () => {
    db = await createMigratedDatabase();
    plugins = await startInProcessPlugins();
    const base = testConfig();
    config = { ...base, collectDeadlineMs: 2000, pluginCallDeadlineMs: 10_000, worker: { ...base.worker, maxAttempts: 2 } };
    const secretRepository = new SecretRepository(db.dataSource);
    secrets = new SecretService(secretRepository, new SecretCipher(randomBytes(32)), { quotas: { collectorsPerDomain: 1000, secretsPerDomain: 1000 } });
    const registryRepository = new PluginRegistryRepository(db.dataSource);
    registry = new PluginRegistryService(registryRepository, config);
    for (const [plugin_id, service_type] of [['inproc-collector', 'COLLECTOR'], ['inproc-storage', 'STORAGE']] as const) {
      await registryRepository.upsert({ plugin_id, service_type, endpoint: plugins.endpoint, name: plugin_id, version: '', tags: {}, registered_by: 'api' });
    }
    clients = new PluginClients(config);
    runnerWith = (overrides) => {
      const configured = { ...config, ...overrides };
      const { states, ingest, ending } = collectParts(db.dataSource, configured, new StorageExporters(registry, clients));
      return new TaskRunner(
        configured,
        states,
        ending,
        ingest,
        new CollectorRepository(db.dataSource),
        secretRepository,
        secrets,
        registry,
        clients,
        new StorageExporters(registry, clients),
        new JobTraceRepository(db.dataSource),
      );
    };
    runner = runnerWith({});
    stopper = collectParts(db.dataSource, config).stopper;
  });

  afterAll(async () => {
    clients.onApplicationShutdown();
    await plugins.close();
    await db.close();
  });

  /** The secret of each marker: a second task of the same marker collects with the same collector and secret. */
  const secretOf = new Map<string, string>();

  /**
   * A collector of the in-process plugin with `options` (+ the storage plugin's), one secret, and a
   * job of one task claimed by OWNER. Called again with the same marker: the same collector (its
   * options replaced) and secret, a new job.
   */
  async function claimedTask(marker: string, options: Record<string, unknown>, storage?: Record<string, unknown>) {
    const secretId = secretOf.get(marker) ?? (await newSecret(marker));
    secretOf.set(marker, secretId);
    const collectorId = `collector-${marker}`;
    const pluginOptions = { marker, ...options, ...(storage ? { storage_plugin: { plugin_id: 'inproc-storage', options: storage } } : {}) };
    await db.dataSource.query(
      `INSERT INTO collector (collector_id, name, plugin_id, plugin_info, secret_filter, schedule, resource_group, domain_id, workspace_id)
       VALUES ($1, $1, 'inproc-collector', $2, '{}', '{}', 'DOMAIN', $3, '*')
       ON CONFLICT (collector_id) DO UPDATE SET plugin_info = excluded.plugin_info`,
      [collectorId, { plugin_id: 'inproc-collector', version: '', options: pluginOptions, metadata: {}, upgrade_mode: 'AUTO' }, DOMAIN],
    );
    const job = await createJob(db.dataSource, { count: 1, leaseOwner: OWNER, collectorId, domainId: DOMAIN, secrets: [secretId], workspaceId: `ws-${marker}` });
    return { job, secretId, taskId: job.tasks[0].job_task_id };
  }

  async function newSecret(marker: string): Promise<string> {
    const secret = await secrets.create(
      {
        name: `secret-${marker}`,
        data: { access_key: SECRET_VALUE },
        schema_id: '',
        tags: {},
        resource_group: secretV1.CreateSecretRequest_ResourceGroup.DOMAIN,
        workspace_id: '',
        project_id: '',
        service_account_id: '',
        trusted_secret_id: '',
        provider: 'aws',
      },
      { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const },
    );
    return secret.secret_id;
  }

  const taskRow = async (id: string) => (await db.dataSource.query(`SELECT * FROM job_task WHERE job_task_id = $1`, [id]))[0];
  const collectsOf = (marker: string) => plugins.collects.filter((call) => call.options['marker'] === marker);
  const exportsOf = (job: JobFixture) => plugins.exports.filter((call) => call.data['job_id'] === job.jobId);
  const run = (taskId: string, attempts = 1) => runner.run({ job_task_id: taskId, job_id: '', attempts }, OWNER, new AbortController().signal);

  it('collects, writes and exports every resource, then ends the task and its job SUCCESS and tells the storage plugin', async () => {
    const { job, taskId } = await claimedTask('ok', { count: 25 }, {});
    await run(taskId);
    expect(await taskRow(taskId)).toMatchObject({ status: 'SUCCESS', created_count: 25, failure_count: 0 });
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'SUCCESS', remained_tasks: 0 });
    const [call] = collectsOf('ok');
    expect(call.secret_data).toEqual({ access_key: SECRET_VALUE });
    expect(call.options).not.toHaveProperty('storage_plugin');
    const exported = exportsOf(job);
    const resources = exported.filter((e) => e.data['kind'] === 'resources');
    expect(resources.every((e) => e.data['resource_type'] === 'inventory.CloudService')).toBe(true);
    expect(resources.flatMap((e) => e.data['resources'] as unknown[])).toHaveLength(25);
    expect(exported.filter((e) => e.data['kind'] === 'job_finished').map((e) => e.data['status'])).toEqual(['SUCCESS']);
  });

  it('ends the task TIMEOUT when the stream outlives COLLECT_DEADLINE_SECONDS, and cancels the stream', async () => {
    const { job, taskId } = await claimedTask('hang', { count: 3, then: 'hang' });
    await run(taskId);
    const row = await taskRow(taskId);
    expect(row).toMatchObject({ status: 'TIMEOUT' });
    expect(row.errors).toEqual([
      { error_code: 'ERROR_COLLECT_TIMEOUT', message: `The collect stream did not end within ${config.collectDeadlineMs / 1000} s.`, additional: {} },
    ]);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'FAILURE', failure_tasks: 1 });
    while (!collectsOf('hang')[0].cancelled) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('fails the task ERROR_STORAGE_PLUGIN when the storage plugin refuses an export; the one exporter still closes the job', async () => {
    const resolve = jest.spyOn(registry, 'resolve');
    const { job, taskId } = await claimedTask('storage-fails', { count: 5 }, { fail: 'resources' });
    await run(taskId);
    const row = await taskRow(taskId);
    expect(row.status).toBe('FAILURE');
    expect(row.errors).toEqual([expect.objectContaining({ error_code: 'ERROR_STORAGE_PLUGIN', message: expect.stringContaining('disk full') })]);
    expect(exportsOf(job).filter((e) => e.data['kind'] === 'job_finished').map((e) => e.data['status'])).toEqual(['FAILURE']);
    expect(resolve.mock.calls.filter(([, type]) => type === 'STORAGE')).toHaveLength(1);
    resolve.mockRestore();
  });

  it('fails the task ERROR_COLLECTOR_SECRET, without calling the plugin, when its secret was disabled after the job was created', async () => {
    const { job, taskId, secretId } = await claimedTask('disabled', { count: 5 }, {});
    await secrets.setState(secretId, 'DISABLED', { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const });
    await run(taskId);
    expect((await taskRow(taskId)).errors).toEqual([
      { error_code: 'ERROR_COLLECTOR_SECRET', message: `Secret ${secretId} no longer exists or is disabled.`, additional: {} },
    ]);
    expect(collectsOf('disabled')).toEqual([]);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'FAILURE' });
    expect(exportsOf(job).map((e) => e.data['kind'])).toEqual(['job_finished']);
  });

  it('fails the task ERROR_COLLECTOR_PLUGIN with the plugin\'s message, any secret in it redacted, keeping what the stream sent before', async () => {
    const { taskId } = await claimedTask('plugin-fails', { count: 2, then: 'fail', message: `denied for ${SECRET_VALUE}` });
    await run(taskId);
    const row = await taskRow(taskId);
    expect(row.status).toBe('FAILURE');
    // the two resources sent before the failure (a partial batch) are written and counted
    expect(row.created_count).toBe(2);
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM cloud_service WHERE workspace_id = 'ws-plugin-fails'`))[0].n).toBe(2);
    expect(row.errors).toHaveLength(1);
    expect(row.errors[0].error_code).toBe('ERROR_COLLECTOR_PLUGIN');
    expect(row.errors[0].message).toContain('denied for ***');
    expect(row.errors[0].message).not.toContain(SECRET_VALUE);
  });

  it('abandons a task started more than TASK_MAX_ATTEMPTS times (ERROR_TASK_ABANDONED), without calling the plugin', async () => {
    const { job, taskId } = await claimedTask('abandoned', { count: 5 });
    await run(taskId, config.worker.maxAttempts + 1);
    expect(await taskRow(taskId)).toMatchObject({
      status: 'FAILURE',
      errors: [{ error_code: 'ERROR_TASK_ABANDONED', message: `The task was started ${config.worker.maxAttempts} times and its worker stopped each time before it ended.`, additional: {} }],
    });
    expect(collectsOf('abandoned')).toEqual([]);
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'FAILURE', remained_tasks: 0 });
  });

  it('stops a task whose worker is told to stop (lease lost, shutdown) without ending it, so that another worker can', async () => {
    const { job, taskId } = await claimedTask('stopped', { count: 3, then: 'hang' });
    const controller = new AbortController();
    const running = runner.run({ job_task_id: taskId, job_id: job.jobId, attempts: 1 }, OWNER, controller.signal);
    while (collectsOf('stopped').length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort('shutdown');
    await running;
    expect(await taskRow(taskId)).toMatchObject({ status: 'IN_PROGRESS', finished_at: null });
    expect(await jobRow(db.dataSource, job.jobId)).toMatchObject({ status: 'IN_PROGRESS', remained_tasks: 1 });
    while (!collectsOf('stopped')[0].cancelled) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('cuts off a plugin that goes silent mid-stream (idle timeout): the task ends TIMEOUT saying so, keeping what it sent', async () => {
    const idle = runnerWith({ collectDeadlineMs: 60_000, collectIdleTimeoutMs: 500 });
    const { job, taskId } = await claimedTask('stalls', { count: 3, then: 'hang' });
    await idle.run({ job_task_id: taskId, job_id: job.jobId, attempts: 1 }, OWNER, new AbortController().signal);
    const row = await taskRow(taskId);
    expect(row).toMatchObject({ status: 'TIMEOUT', created_count: 3 });
    expect(row.errors).toEqual([
      { error_code: 'ERROR_COLLECT_IDLE', message: 'The collector plugin sent nothing for 0.5 s (idle timeout); the stream was cut off.', additional: {} },
    ]);
    while (!collectsOf('stalls')[0].cancelled) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('cuts off a plugin that sends nothing at all (idle before the first message)', async () => {
    const idle = runnerWith({ collectDeadlineMs: 60_000, collectIdleTimeoutMs: 500 });
    const { job, taskId } = await claimedTask('silent', { count: 0, then: 'hang' });
    await idle.run({ job_task_id: taskId, job_id: job.jobId, attempts: 1 }, OWNER, new AbortController().signal);
    expect(await taskRow(taskId)).toMatchObject({ status: 'TIMEOUT', created_count: 0, errors: [expect.objectContaining({ error_code: 'ERROR_COLLECT_IDLE' })] });
  });

  it('stops the stream of a task whose job is canceled: the task ends CANCELED keeping what it wrote, and nothing is disconnected', async () => {
    // a first, complete run stores vm-0 … vm-5; the canceled run sees only vm-0 … vm-2
    const first = await claimedTask('canceled', { count: 6 });
    await run(first.taskId);
    const { job, taskId } = await claimedTask('canceled', { count: 3, then: 'hang' });
    const controller = new AbortController();
    const running = runner.run({ job_task_id: taskId, job_id: job.jobId, attempts: 1 }, OWNER, controller.signal);
    // the three resources are written (the idle flush writes a partial batch) before the cancel
    while (collectsOf('canceled').length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    // the idle flush writes the partial batch: its resources are seen (vm-0 … vm-2 unchanged, so counted as neither created nor updated)
    const seen = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM collect_seen WHERE job_id = $1`, [job.jobId]))[0].n as number;
    while ((await seen()) < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stopper.cancel(job.jobId, { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const })).toMatchObject({ status: 'CANCELED', remained_tasks: 0, failure_tasks: 1 });
    controller.abort('canceled'); // what the worker does when the NOTIFY arrives
    await running;
    expect(await taskRow(taskId)).toMatchObject({ status: 'CANCELED', errors: [expect.objectContaining({ error_code: 'ERROR_COLLECT_CANCELED' })] });
    const states = await db.dataSource.query(`SELECT state, count(*)::int AS n FROM cloud_service WHERE workspace_id = 'ws-canceled' GROUP BY state`);
    expect(states).toEqual([{ state: 'ACTIVE', n: 6 }]);
    while (!collectsOf('canceled')[1].cancelled) await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
