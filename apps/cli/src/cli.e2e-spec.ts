import * as grpc from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import YAML from 'yaml';
import { loadSurface } from '@cloud-inventory/grpc';
import { freePort } from '@cloud-inventory/database';
import { JsonRecord, LooseJson, Stack, startStack, waitForJob, WORKSPACE } from '@cloud-inventory/testing';

/**
 * The CLI end to end: the built `cloud-inventory` command (the launcher package.json's "bin" names)
 * runs as a process against the three built apps, its stdout parsed as JSON, YAML or CSV.
 */

const LAUNCHER = join(WORKSPACE, 'apps/cli/bin/cloud-inventory.js');
const COUNT = 300;
const ANSI = '\u001b[';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Row = JsonRecord;

describe('cloud-inventory CLI, end to end (built CLI and apps as processes)', () => {
  let stack: Stack;
  let workDir: string;
  let configFile: string;
  let collectorId: string;
  const secretIds: string[] = [];

  /** Runs the CLI with stdin, stdout and stderr as pipes (not a terminal), its config in the test's folder. */
  function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [LAUNCHER, ...args], {
        cwd: workDir,
        env: { PATH: process.env['PATH'] ?? '', HOME: workDir, CLOUD_INVENTORY_CONFIG: configFile, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });
  }

  /** The CLI's JSON answer; a failure shows what it printed. */
  async function json<T = Row>(args: string[], options?: { env?: Record<string, string>; input?: string }): Promise<T> {
    const result = await cli([...args, '-o', 'json'], options);
    if (result.code !== 0) throw new Error(`cloud-inventory ${args.join(' ')} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
    return JSON.parse(result.stdout) as T;
  }

  function csv(text: string): Row[] {
    return parseCsv(text, { columns: true }) as Row[];
  }

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
    configFile = join(workDir, 'config', 'cloud-inventory.json');
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('stores the endpoint, token and domain once (0600), and lets the environment and flags override them', async () => {
    // the stack's admin token: every later test calls the real inventory with it
    const set = await cli(['config', 'set', '--endpoint', stack.grpcAddress, '--token', stack.token, '--domain', 'domain-default']);
    expect(set.code).toBe(0);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      endpoint: stack.grpcAddress,
      token: stack.token,
      domain: 'domain-default',
    });

    const shown = await json(['config', 'show']);
    expect(shown).toMatchObject({ endpoint: stack.grpcAddress, endpoint_from: 'config', token_from: 'config', domain: 'domain-default' });
    expect(JSON.stringify(shown)).not.toContain(stack.token.split('.')[2]);
    expect(await json(['config', 'show'], { env: { CLOUD_INVENTORY_ENDPOINT: 'env-host:1' } })).toMatchObject({ endpoint: 'env-host:1', endpoint_from: 'env' });
    expect(await json(['config', 'show', '--endpoint', 'flag-host:2'], { env: { CLOUD_INVENTORY_ENDPOINT: 'env-host:1' } })).toMatchObject({
      endpoint: 'flag-host:2',
      endpoint_from: 'flag',
    });
  });

  it('sends the token as gRPC metadata "token" and the domain as "x_domain_id" (seen by a gRPC server)', async () => {
    const seen: grpc.Metadata[] = [];
    const server = new grpc.Server();
    const Collector = (loadSurface('inventoryV1') as LooseJson).spaceone.api.inventory.v1.Collector as grpc.ServiceClientConstructor;
    server.addService(Collector.service, {
      get: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        seen.push(call.metadata);
        callback({ code: grpc.status.UNAUTHENTICATED, details: 'ERROR_AUTHENTICATE_FAILURE: token checked' });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    try {
      writeFileSync(join(workDir, 'admin.token'), 'token-from-a-file\n');
      const fromConfig = await cli(['collector', 'get', 'collector-x', '--endpoint', `127.0.0.1:${port}`]);
      const fromFile = await cli(['collector', 'get', 'collector-x', '--endpoint', `127.0.0.1:${port}`, '--token', '@admin.token', '--domain', 'other']);
      expect(seen.map((m) => [m.get('token')[0], m.get('x_domain_id')[0]])).toEqual([
        [stack.token, 'domain-default'],
        ['token-from-a-file', 'other'],
      ]);
      // UNAUTHENTICATED has its own exit code
      expect([fromConfig.code, fromFile.code]).toEqual([6, 6]);
      expect(fromConfig.stderr).toContain('UNAUTHENTICATED');
    } finally {
      server.forceShutdown();
    }
    // the real inventory refuses a token it cannot verify, with the same exit code
    const refused = await cli(['collector', 'list', '--token', 'not-a-token']);
    expect([refused.code, refused.stderr]).toEqual([6, expect.stringContaining('UNAUTHENTICATED')]);
  });

  it('creates, shows, lists and updates a collector', async () => {
    const created = await json([
      'collector', 'create', '--name', 'cli e2e', '--plugin-id', 'synthetic', '--provider', 'synthetic',
      '--options', '{"count": 1, "seed": 11}', '--option', `count=${COUNT}`, '--option', 'tasks=2',
      '--option', 'storage_plugin.plugin_id=file-storage', '--tag', 'team=ops', '--schedule', '3',
    ]);
    collectorId = created['collector_id'];
    expect(created).toMatchObject({
      name: 'cli e2e',
      provider: 'synthetic',
      tags: { team: 'ops' },
      schedule: { state: 'ENABLED', hours: [3] },
      plugin_info: { plugin_id: 'synthetic', options: { count: COUNT, seed: 11, tasks: 2, storage_plugin: { plugin_id: 'file-storage' } } },
    });
    expect(created['plugin_info']['metadata']['supported_resource_type']).toContain('inventory.CloudService');

    const shown = YAML.parse((await cli(['collector', 'get', collectorId, '-o', 'yaml'])).stdout);
    expect(shown).toEqual(created);

    const listed = await cli(['collector', 'list', '-f', `collector_id=${collectorId}`, '-o', 'csv']);
    expect(listed.code).toBe(0);
    expect(csv(listed.stdout)).toEqual([
      expect.objectContaining({ collector_id: collectorId, name: 'cli e2e', 'plugin_info.plugin_id': 'synthetic', 'schedule.state': 'ENABLED', 'schedule.hours': '[3]' }),
    ]);

    const renamed = await json(['collector', 'update', collectorId, '--name', 'cli e2e (renamed)', '--schedule', 'off']);
    expect(renamed).toMatchObject({ name: 'cli e2e (renamed)', schedule: { state: 'DISABLED' } });
    const stored = await stack.grpc.call('Collector', 'get', { collector_id: collectorId });
    expect(stored).toMatchObject({ name: 'cli e2e (renamed)', schedule: { state: 'DISABLED' } });

    expect((await cli(['collector', 'update', collectorId])).code).toBe(2);
  });

  it('creates secrets from a file and from standard input, and never prints their data', async () => {
    writeFileSync(join(workDir, 'secret.yaml'), 'account_id: "111111111111"\napi_key: key-111-do-not-print\n');
    const fromFile = await json(['secret', 'create', '--name', 'account 1', '--provider', 'synthetic', '--data', '@secret.yaml']);
    const fromStdin = await json(['secret', 'create', '--name', 'account 2', '--provider', 'synthetic', '--data', '@-'], {
      input: '{"account_id": "222222222222", "api_key": "key-222-do-not-print"}',
    });
    secretIds.push(fromFile['secret_id'], fromStdin['secret_id']);
    const listed = await cli(['secret', 'list', '--provider', 'synthetic', '-o', 'json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ total_count: 2 });
    expect(JSON.parse(listed.stdout).results.map((s: Row) => s['secret_id']).sort()).toEqual([...secretIds].sort());
    expect(`${listed.stdout}${JSON.stringify([fromFile, fromStdin])}`).not.toContain('do-not-print');
  });

  it('collects with --follow (no terminal): plain progress lines, and a summary per type that matches what the inventory stored', async () => {
    const result = await cli(['collect', collectorId, '--follow', '--interval', '0.2', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(ANSI);
    expect(result.stderr).toMatch(/^job job-\w+ started: 4 tasks$/m);
    expect(result.stderr).toMatch(/^task job-task-\w+ \(secret secret-\w+\) SUCCESS: \d+ written, [\d.]+\/s, 0 failures, [\d.]+s$/m);
    const summary = JSON.parse(result.stdout);
    expect(summary.job).toMatchObject({ collector_id: collectorId, status: 'SUCCESS', total_tasks: 4, success_tasks: 4 });
    expect(summary.totals).toEqual({ tasks: 4, written: 2 * COUNT, created: 2 * COUNT, updated: 0, disconnected: 0, failures: 0 });

    // what the inventory stored, per type, read over gRPC without the CLI
    const stored = await stack.grpc.call<{ results: Row[] }>('CloudService', 'stat', {
      query: {
        filter: [{ k: 'collection_info.collector_id', v: collectorId, o: 'eq' }],
        aggregate: [
          {
            group: {
              keys: [
                { key: 'cloud_service_group', name: 'group' },
                { key: 'cloud_service_type', name: 'type' },
              ],
              fields: [{ operator: 'count', name: 'count' }],
            },
          },
        ],
      },
    });
    expect(stored.results.length).toBeGreaterThan(1);
    const byType = (rows: Row[], group: string, type: string, count: string) =>
      Object.fromEntries(rows.map((row) => [`${row[group]}/${row[type]}`, row[count]]));
    const expected = byType(stored.results, 'group', 'type', 'count');
    expect(byType(summary.types, 'cloud_service_group', 'cloud_service_type', 'written')).toEqual(expected);
    expect(byType(summary.types, 'cloud_service_group', 'cloud_service_type', 'created')).toEqual(expected);
    expect(byType(summary.types, 'cloud_service_group', 'cloud_service_type', 'active')).toEqual(expected);
    for (const type of summary.types) {
      expect(type).toMatchObject({ provider: 'synthetic', failures: 0 });
      expect(type.duration_seconds).toBeGreaterThanOrEqual(0);
      expect(type.duration_seconds).toBeLessThanOrEqual(summary.duration_seconds);
    }

    // the same summary as CSV: one row per type
    const again = await cli(['collect', collectorId, '--follow', '-o', 'csv']);
    expect(again.code).toBe(0);
    const rows = csv(again.stdout);
    expect(Object.keys(rows[0])).toEqual(['provider', 'cloud_service_group', 'cloud_service_type', 'written', 'created', 'active', 'failures', 'duration_seconds']);
    // nothing changed: nothing is written again, and everything is still there
    expect(Object.fromEntries(rows.map((row) => [`${row['cloud_service_group']}/${row['cloud_service_type']}`, Number(row['active'])]))).toEqual(expected);
    expect(rows.every((row) => row['written'] === '0')).toBe(true);
  });

  it('on a terminal, draws live progress bars and then the summary table', async () => {
    // script(1) (util-linux, in every Debian) gives the CLI a pseudo-terminal for stdout and stderr
    const command = [process.execPath, LAUNCHER, 'collect', collectorId, '--follow', '--interval', '0.2'].join(' ');
    const result = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
        cwd: workDir,
        env: { PATH: process.env['PATH'] ?? '', HOME: workDir, CLOUD_INVENTORY_CONFIG: configFile, TERM: 'xterm' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
      child.stdin.end();
    });
    expect(result.code).toBe(0);
    // cli-progress redraws in place with escape sequences; the job bar and the task lines
    expect(result.stdout).toMatch(ANSI);
    expect(result.stdout).toMatch(/job-\w+ (IN_PROGRESS|SUCCESS) \[[█░]+\] \d\/4 tasks \| \d+ written \| 0 failures/);
    expect(result.stdout).toMatch(/job-task-\w+ secret-\w+ +(IN_PROGRESS|SUCCESS|PENDING) +\d+ written +[\d.]+\/s +0 failures/);
    // the default format on a terminal: the summary as a table
    expect(result.stdout).toMatch(/Job job-\w+ SUCCESS in [\d.]+s: 4 of 4 tasks succeeded/);
    expect(result.stdout).toMatch(/│ provider +│ cloud_service_group │ cloud_service_type │ written │ created │ active │ failures │ duration │/);
  });

  it('lists cloud services with filters, sort and pages, in every format', async () => {
    const mine = `collection_info.collector_id=${collectorId}`;
    const all = await stack.grpc.call<{ results: Row[] }>('CloudService', 'list', {
      query: { filter: [{ k: 'collection_info.collector_id', v: collectorId, o: 'eq' }], only: ['cloud_service_id', 'name', 'region_code', 'cloud_service_type', 'account'] },
    });
    expect(all.results).toHaveLength(2 * COUNT);
    const instances = all.results.filter((row) => row['cloud_service_type'] === 'Instance');
    // the order --sort -name,cloud_service_id asks for
    const sorted = [...instances].sort((a, b) => (a['name'] === b['name'] ? (a['cloud_service_id'] < b['cloud_service_id'] ? -1 : 1) : a['name'] < b['name'] ? 1 : -1));

    const args = ['cloud-service', 'list', '-f', mine, '-f', 'cloud_service_type=Instance', '--sort', '-name,cloud_service_id', '--only', 'cloud_service_id,name'];
    const first = await json(args.concat('--page', '1:7'));
    const second = await json(args.concat('--page', '8:7'));
    const third = await json(args.concat('--start', '15', '--limit', '3'));
    expect(first['total_count']).toBe(instances.length);
    expect([...first['results'], ...second['results'], ...third['results']].map((row: Row) => row['cloud_service_id'])).toEqual(
      sorted.slice(0, 17).map((row) => row['cloud_service_id']),
    );

    // operators: not, contain, in, a date (datetime_*) and a timediff
    const count = async (...filters: string[]) => (await json(['cloud-service', 'list', '-f', mine, ...filters.flatMap((f) => ['-f', f]), '--limit', '1']))['total_count'];
    expect(await count('state!=DELETED')).toBe(2 * COUNT);
    expect(await count('account=111111111111')).toBe(COUNT);
    expect(await count('region_code[in]=us-east-1,eu-west-1')).toBe(all.results.filter((r) => ['us-east-1', 'eu-west-1'].includes(r['region_code'])).length);
    expect(await count(`name~${instances[0]['name'].slice(2, 6).toUpperCase()}`)).toBe(all.results.filter((r) => r['name'].toLowerCase().includes(instances[0]['name'].slice(2, 6).toLowerCase())).length);
    expect(await count('created_at>=2020-01-01')).toBe(2 * COUNT);
    expect(await count('created_at<2020-01-01')).toBe(0);
    expect(await count('created_at>=now/d-1d')).toBe(2 * COUNT);
    // tags are keyed by provider, as Cloudforet's clients filter them (tags.<provider>.<key>)
    expect(await count('tags.synthetic.env[exists]=true', 'account!~111')).toBe(COUNT);
    expect(await count('tags.env[exists]=true')).toBe(0);

    // the formats: JSON and YAML the same answer, CSV under --only's columns, a table for people
    const listArgs = ['cloud-service', 'list', '-f', mine, '--sort', 'cloud_service_id', '--limit', '4', '--only', 'cloud_service_id,name,region_code,tags.synthetic.env'];
    const asJson = await json(listArgs);
    const asYaml = await cli([...listArgs, '-o', 'yaml']);
    expect(YAML.parse(asYaml.stdout)).toEqual(asJson);
    const asCsv = await cli([...listArgs, '-o', 'csv']);
    expect(csv(asCsv.stdout)).toEqual(
      asJson['results'].map((row: Row) => ({ cloud_service_id: row['cloud_service_id'], name: row['name'], region_code: row['region_code'], 'tags.synthetic.env': row['tags']['synthetic']['env'] })),
    );
    const asTable = await cli([...listArgs, '-o', 'table']);
    expect(asTable.stdout).toContain(asJson['results'][3]['cloud_service_id']);
    expect(asTable.stdout).toContain(`Count: 4 / ${2 * COUNT}`);
    expect(asTable.stdout).not.toMatch(ANSI);
    // in a pipe, without -o: JSON
    expect(JSON.parse((await cli(listArgs)).stdout)).toEqual(asJson);
  });

  it('stats cloud services grouped, sorted and paged, and distinct values', async () => {
    const mine = `collection_info.collector_id=${collectorId}`;
    const grouped = await json(['cloud-service', 'stat', '-f', mine, '-g', 'cloud_service_type', '--field', 'n=count', '--sort', '-n']);
    const counts = grouped['results'].map((row: Row) => row['n']);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(2 * COUNT);
    const top = await cli(['cloud-service', 'stat', '-f', mine, '-g', 'cloud_service_type', '--field', 'n=count', '--sort', '-n', '--limit', '1', '-o', 'csv']);
    expect(csv(top.stdout)).toEqual([{ cloud_service_type: grouped['results'][0]['cloud_service_type'], n: String(counts[0]) }]);
    const regions = YAML.parse((await cli(['cloud-service', 'stat', '-f', mine, '--distinct', 'region_code', '-o', 'yaml'])).stdout);
    expect(regions.results).toEqual(['ap-northeast-2', 'ap-southeast-1', 'eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2']);
  });

  it('shows jobs and their tasks', async () => {
    const jobs = await json(['job', 'list', '--collector', collectorId]);
    // the first collect, its re-collect as CSV and the one on a terminal
    expect(jobs['total_count']).toBe(3);
    const jobId = jobs['results'][0]['job_id'];
    const withTasks = await json(['job', 'get', jobId, '--tasks']);
    expect(withTasks).toMatchObject({ job_id: jobId, status: 'SUCCESS' });
    expect(withTasks['tasks']).toHaveLength(4);
    const tasksCsv = csv((await cli(['job', 'get', jobId, '--tasks', '-o', 'csv'])).stdout);
    expect(tasksCsv.map((row) => row['job_task_id']).sort()).toEqual(withTasks['tasks'].map((t: Row) => t['job_task_id']).sort());
    const succeeded = await json(['job', 'list', '-f', `collector_id=${collectorId}`, '--status', 'SUCCESS', '--only', 'job_id,status']);
    expect(succeeded['results'].map((row: Row) => row['status'])).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  it('cancels a running job (job cancel): CANCELED, its tasks too; again, or on an ended job, it shows the job and exits 0', async () => {
    // one message every 500 ms: the job still runs when it is canceled
    const secret = await stack.grpc.call('Secret', 'create', { name: 'cancel me', provider: 'synthetic', data: { account_id: '700000000001' } });
    const slow = await stack.grpc.call('Collector', 'create', {
      name: 'slow',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: 40, tasks: 2, delay_ms: 500, include_types: false } },
      secret_filter: { state: 'ENABLED', secrets: [secret['secret_id']] },
    });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: slow['collector_id'] });
    expect(started['status']).toBe('IN_PROGRESS');

    const canceled = await json(['job', 'cancel', started['job_id']]);
    expect(canceled).toMatchObject({ job_id: started['job_id'], status: 'CANCELED', remained_tasks: 0, success_tasks: 0, failure_tasks: 2 });
    const { results: tasks } = await stack.grpc.call<{ results: Row[] }>('JobTask', 'list', { job_id: started['job_id'] });
    expect(tasks.map((task) => task['status'])).toEqual(['CANCELED', 'CANCELED']);

    const again = await cli(['job', 'cancel', started['job_id'], '-o', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(canceled);
    const done = (await json(['job', 'list', '--collector', collectorId, '--status', 'SUCCESS']))['results'][0];
    const ended = await cli(['job', 'cancel', done['job_id'], '-o', 'json']);
    expect(ended.code).toBe(0);
    expect(ended.stderr).toContain(`job ${done['job_id']} had already ended SUCCESS: nothing to cancel`);
    expect(JSON.parse(ended.stdout)).toMatchObject({ job_id: done['job_id'], status: 'SUCCESS' });

    const unknown = await cli(['job', 'cancel', 'job-000000000000']);
    expect(unknown.code).toBe(4); // NOT_FOUND
    expect(unknown.stderr).toMatch(/not found/i);

    // the other collectors of the provider would collect this secret too: gone with its collector
    await stack.grpc.call('Collector', 'delete', { collector_id: slow['collector_id'] });
    await stack.grpc.call('Secret', 'delete', { secret_id: secret['secret_id'] });
  });

  it('ends a followed job that failed with exit code 10, failures counted per type from the task errors', async () => {
    // a new seed gives new resources: 2 invalid ones and 3 plugin errors per secret make each task FAILURE
    const updated = await json(['collector', 'update', collectorId, '--option', 'seed=12', '--option', 'invalid=2', '--option', 'error_resources=3']);
    // --option changes those options and keeps the others
    expect(updated['plugin_info']['options']).toEqual({ count: COUNT, seed: 12, tasks: 2, invalid: 2, error_resources: 3, storage_plugin: { plugin_id: 'file-storage' } });
    const failed = await cli(['collect', collectorId, '--follow', '-o', 'json']);
    expect(failed.code).toBe(10);
    const summary = JSON.parse(failed.stdout);
    expect(summary.job.status).toBe('FAILURE');
    expect(summary.totals).toMatchObject({ written: 2 * COUNT, failures: 10 });
    const { results: tasks } = await stack.grpc.call<{ results: Row[] }>('JobTask', 'list', { job_id: summary.job.job_id });
    const expected: Record<string, number> = {};
    for (const error of tasks.flatMap((task) => task['errors'])) {
      const key = `${error.additional.cloud_service_group ?? ''}/${error.additional.cloud_service_type ?? ''}`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    const reported = Object.fromEntries(
      summary.types.filter((t: Row) => t['failures'] > 0).map((t: Row) => [`${t['cloud_service_group']}/${t['cloud_service_type']}`, t['failures']]),
    );
    expect(reported).toEqual(expected);
    // the invalid ones lack a cloud_service_type: they get rows of their own
    expect(Object.keys(reported).filter((key) => key.endsWith('/')).length).toBeGreaterThan(0);

    // a stream that breaks: the task error is in the summary
    await json(['collector', 'update', collectorId, '--option', 'fail_after=1', '--option', 'invalid=0', '--option', 'error_resources=0']);
    const broken = await cli(['collect', collectorId, '--follow', '-o', 'json']);
    expect(broken.code).toBe(10);
    expect(JSON.parse(broken.stdout).task_errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ error_code: 'ERROR_COLLECTOR_PLUGIN', message: expect.stringContaining('synthetic failure') })]),
    );
  });

  it('says what went wrong with its exit code', async () => {
    const missing = await cli(['collector', 'get', 'collector-000000000000']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('NOT_FOUND');
    expect((await cli(['collect', 'collector-000000000000', '--follow'])).code).toBe(4);
    // another domain (its token's) does not see this one's collector; --domain names the domain of a system token only
    const otherDomain = await stack.tokens.mint({ domain: 'another-domain', role: 'DOMAIN_ADMIN' });
    expect((await cli(['collector', 'get', collectorId, '--token', otherDomain])).code).toBe(4);
    expect((await cli(['collector', 'get', collectorId, '--domain', 'another-domain'])).code).toBe(0);
    const system = await stack.tokens.mint({ domain: 'domain-default', role: 'SYSTEM' });
    expect((await cli(['collector', 'get', collectorId, '--token', system, '--domain', 'another-domain'])).code).toBe(4);
    expect((await cli(['collector', 'get', collectorId, '--token', system, '--domain', 'domain-default'])).code).toBe(0);

    // a filter the CLI cannot read is a usage error, nothing is sent; one the server refuses is INVALID_ARGUMENT
    const unreadable = await cli(['cloud-service', 'list', '-f', '=x', '--endpoint', '127.0.0.1:1']);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('Invalid filter "=x"');
    const refused = await cli(['cloud-service', 'list', '-f', 'no_such_key=1']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('no_such_key');
    expect((await cli(['cloud-service', 'list', '-f', 'name[bogus]=1'])).code).toBe(2);

    const nobody = await cli(['collector', 'list', '--endpoint', `127.0.0.1:${await freePort()}`]);
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toMatch(/did not answer \(UNAVAILABLE/);

    expect((await cli(['no-such-command'])).code).toBe(2);
    expect((await cli(['collector', 'create', '--name', 'x'])).code).toBe(2);
    expect((await cli(['collector', 'list', '--page', 'x'])).code).toBe(2);
    expect((await cli(['collector', 'list', '-o', 'xml'])).code).toBe(2);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('collect [options] <collector_id>');
  });

  it('stops following on Ctrl-C with exit code 130, and the job goes on', async () => {
    const slow = await json(['collector', 'create', '--name', 'slow', '--plugin-id', 'synthetic', '--provider', 'synthetic', '--option', 'count=40', '--option', 'seed=13', '--option', 'delay_ms=150']);
    const child = spawn(process.execPath, [LAUNCHER, 'collect', slow['collector_id'], '--follow', '--interval', '0.2'], {
      cwd: workDir,
      env: { PATH: process.env['PATH'] ?? '', HOME: workDir, CLOUD_INVENTORY_CONFIG: configFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const started = new Promise<string>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const match = /^job (job-\w+) started/m.exec(stderr);
        if (match) resolve(match[1]);
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const jobId = await started;
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toContain(`Stopped following; job ${jobId} goes on`);
    const job = await waitForJob(stack, jobId);
    expect(job['status']).toBe('SUCCESS');
  });

  it('deletes a collector', async () => {
    expect((await cli(['collector', 'delete', collectorId])).code).toBe(0);
    expect((await cli(['collector', 'get', collectorId])).code).toBe(4);
  });
});
