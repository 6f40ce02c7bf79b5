import { Metadata, status } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { Client } from 'pg';
import { ProtoJson } from '@cloud-inventory/grpc';
import { Caller, Identity, Stack, startStack, TestTokens, waitForJob } from '@cloud-inventory/testing';

/**
 * Tenant isolation, from outside: every RPC of the contract (read from the .proto service
 * definitions, so a new RPC is walked as soon as it exists) called by callers who must not reach
 * a workspace's objects, over gRPC and HTTP, changes nothing and shows nothing; calls without a
 * valid token are refused alike; roles are enforced; a collect never uses another tenant's secrets.
 */

const protoJson = ProtoJson.load(['inventoryV1', 'secretV1']);
const PACKAGES = ['spaceone.api.inventory.v1', 'spaceone.api.secret.v1'];
/** The plugin registry is shared by every domain (system tokens only); it is walked by the role tests. */
const SHARED_SERVICES = new Set(['spaceone.api.inventory.v1.Plugin']);
/** Request fields that name an object: the walk fills each with the victim's object of that kind. */
const OBJECT_ID_FIELDS = [
  'collector_id',
  'secret_id',
  'job_id',
  'job_task_id',
  'cloud_service_id',
  'cloud_service_type_id',
  'region_id',
  'namespace_id',
  'metric_id',
  'example_id',
  'plugin_id',
];
/** Request fields that scope or describe (not objects of their own): filled with the victim's values, to try to widen. */
const SCOPE_FIELDS: Record<string, string> = { workspace_id: 'ws-1', domain_id: 'tenant-a', project_id: 'project-1' };
/** Other *_id fields, attributes of an object; left empty. */
const ATTRIBUTE_ID_FIELDS = new Set(['project_group_id', 'service_account_id', 'schema_id', 'trusted_secret_id', 'user_id']);

interface Rpc {
  service: string;
  short: string;
  method: string;
  requestType: protobuf.Type;
  http?: { verb: string; path: string };
}

function contractRpcs(): Rpc[] {
  const rpcs: Rpc[] = [];
  const root = protoJson.type('spaceone.api.core.v2.Query').root;
  const walk = (namespace: protobuf.NamespaceBase) => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service && PACKAGES.some((pkg) => nested.fullName === `.${pkg}.${nested.name}`)) {
        for (const method of nested.methodsArray) {
          method.resolve();
          const rule = (method.parsedOptions ?? []).map((o: Record<string, unknown>) => o['(google.api.http)']).find(Boolean) as Record<string, string> | undefined;
          const verb = rule && ['get', 'post'].find((v) => typeof rule[v] === 'string');
          rpcs.push({
            service: nested.fullName.slice(1),
            short: nested.name,
            method: method.name,
            requestType: method.resolvedRequestType!,
            http: verb ? { verb, path: rule![verb] } : undefined,
          });
        }
      } else if (nested instanceof protobuf.Namespace) walk(nested);
    }
  };
  walk(root);
  return rpcs;
}

/** A request that would reach the victim's objects: its ids, its workspace, a change for writes, a query that would show rows. */
function requestFor(rpc: Rpc, ids: Record<string, string>): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const field of rpc.requestType.fieldsArray) {
    if (OBJECT_ID_FIELDS.includes(field.name)) request[field.name] = ids[field.name];
    else if (field.name in SCOPE_FIELDS) request[field.name] = SCOPE_FIELDS[field.name];
    else if (field.name.endsWith('_id') && !ATTRIBUTE_ID_FIELDS.has(field.name)) {
      throw new Error(`${rpc.service}.${rpc.method}: request field ${field.name} is new to this test: add it to OBJECT_ID_FIELDS (and a fixture) or to the attributes`);
    }
  }
  const fields = new Set(rpc.requestType.fieldsArray.map((f) => f.name));
  if (fields.has('name')) request['name'] = 'renamed by an intruder';
  if (fields.has('data') && rpc.method === 'update_data') request['data'] = { stolen: true };
  if (fields.has('query')) {
    const queryType = rpc.requestType.fields['query'].resolvedType!.fullName;
    request['query'] = queryType.endsWith('StatisticsQuery')
      ? { aggregate: [{ count: { name: 'n' } }] }
      : queryType.endsWith('AnalyzeQuery')
        ? { group_by: ['workspace_id'], fields: { n: { operator: 'count' } } }
        : {};
  }
  return request;
}

const DENIED_GRPC = [status.NOT_FOUND, status.PERMISSION_DENIED, status.UNIMPLEMENTED];
const DENIED_HTTP = [404, 403, 501];

/** An answer that shows nothing: no row, no count above zero, none of the victim's ids. */
function showsNothing(answer: unknown, victimIds: string[]): boolean {
  const text = JSON.stringify(answer ?? {});
  if (victimIds.some((id) => text.includes(id))) return false;
  const results = (answer as { results?: unknown[] } | undefined)?.results;
  if (!Array.isArray(results)) return (answer as { total_count?: number })?.total_count === undefined && text === '{}';
  return results.every((row) => Object.values(row as Record<string, unknown>).every((value) => value === 0));
}

describe('tenant isolation', () => {
  let stack: Stack;
  let db: Client;
  let owner: Caller; // WORKSPACE_OWNER of tenant-a / ws-1: the victim
  let adminA: Caller;
  let intruders: Caller[];
  const ids: Record<string, string> = {};

  const snapshot = async () => {
    const tables = ['collector', 'secret', 'job', 'job_task', 'cloud_service', 'cloud_service_type', 'region', 'change_record', 'registered_plugin', 'namespace', 'metric', 'metric_data'];
    const rows: Record<string, unknown> = {};
    for (const table of tables) rows[table] = (await db.query(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY 1`)).rows.map((r) => r.row);
    return rows;
  };

  beforeAll(async () => {
    stack = await startStack();
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    owner = await stack.as({ domain: 'tenant-a', role: 'WORKSPACE_OWNER', workspace: 'ws-1' });
    adminA = await stack.as({ domain: 'tenant-a', role: 'DOMAIN_ADMIN' });
    intruders = await Promise.all(
      ([
        { domain: 'tenant-b', role: 'DOMAIN_ADMIN' },
        { domain: 'tenant-a', role: 'WORKSPACE_OWNER', workspace: 'ws-2' },
        { domain: 'tenant-a', role: 'WORKSPACE_MEMBER', workspace: 'ws-2', projects: ['*'] },
        { domain: 'tenant-b', role: 'SYSTEM' },
      ] as Identity[]).map((identity) => stack.as(identity)),
    );
    // the victim's objects, in ws-1 of tenant-a: a collector, a secret of project-1, a finished collect
    const collector = await owner.grpc.call('Collector', 'create', { name: 'victim', provider: 'synthetic', plugin_info: { plugin_id: 'synthetic', options: { count: 3 } } });
    const secret = await owner.grpc.call('Secret', 'create', { name: 'victim', provider: 'synthetic', project_id: 'project-1', data: { account_id: '111111111111' } });
    expect([collector['workspace_id'], secret['workspace_id'], secret['resource_group']]).toEqual(['ws-1', 'ws-1', 'PROJECT']);
    const job = await owner.grpc.call('Collector', 'collect', { collector_id: collector['collector_id'] });
    const done = await waitForJob({ ...stack, grpc: owner.grpc }, job['job_id']);
    expect(done['status']).toBe('SUCCESS');
    const task = (await owner.grpc.call('JobTask', 'list', { job_id: job['job_id'] }))['results'][0];
    const resource = (await owner.grpc.call('CloudService', 'list', { query: { page: { limit: 1 } } }))['results'][0];
    // the types and regions the collect stored in ws-1, and the change history of its resources
    const type = (await owner.grpc.call('CloudServiceType', 'list', { query: { page: { limit: 1 } } }))['results'][0];
    const region = (await owner.grpc.call('Region', 'list', { query: { page: { limit: 1 } } }))['results'][0];
    expect([type['workspace_id'], region['workspace_id']]).toEqual(['ws-1', 'ws-1']);
    expect((await owner.grpc.call('ChangeHistory', 'list', { cloud_service_id: resource['cloud_service_id'] }))['total_count']).toBe(1);
    // a namespace and a metric of ws-1, computed at once over its cloud services (metric data)
    const namespace = await owner.grpc.call('Namespace', 'create', { name: 'victim', category: 'ASSET', resource_type: 'inventory.CloudService', resource_group: 'WORKSPACE' });
    const metric = await owner.grpc.call('Metric', 'create', {
      name: 'victim',
      metric_type: 'GAUGE',
      namespace_id: namespace['namespace_id'],
      resource_group: 'WORKSPACE',
      query_options: { group_by: ['region_code'], fields: { value: { operator: 'count' } } },
    });
    expect([namespace['workspace_id'], metric['workspace_id']]).toEqual(['ws-1', 'ws-1']);
    expect((await owner.grpc.call('MetricData', 'list', { metric_id: metric['metric_id'] }))['total_count']).toBeGreaterThan(0);
    Object.assign(ids, {
      namespace_id: namespace['namespace_id'],
      metric_id: metric['metric_id'],
      collector_id: collector['collector_id'],
      secret_id: secret['secret_id'],
      job_id: job['job_id'],
      job_task_id: task['job_task_id'],
      cloud_service_id: resource['cloud_service_id'],
      cloud_service_type_id: type['cloud_service_type_id'],
      region_id: region['region_id'],
      plugin_id: 'synthetic',
    });
    // kinds this version does not serve yet get an id that exists nowhere (their RPCs answer UNIMPLEMENTED)
    for (const field of OBJECT_ID_FIELDS) ids[field] ??= `${field.replace(/_id$/, '')}-victim`;
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('the victim reaches its own objects (the ids the walk uses are real)', async () => {
    expect(await owner.grpc.call('Collector', 'get', { collector_id: ids['collector_id'] })).toMatchObject({ collector_id: ids['collector_id'] });
    expect(await owner.grpc.call('Secret', 'get', { secret_id: ids['secret_id'] })).toMatchObject({ secret_id: ids['secret_id'] });
    expect(await owner.grpc.call('Job', 'get', { job_id: ids['job_id'] })).toMatchObject({ job_id: ids['job_id'] });
    expect(await owner.grpc.call('JobTask', 'get', { job_task_id: ids['job_task_id'] })).toMatchObject({ job_task_id: ids['job_task_id'] });
    expect(await owner.grpc.call('CloudService', 'get', { cloud_service_id: ids['cloud_service_id'] })).toMatchObject({ cloud_service_id: ids['cloud_service_id'] });
    expect(await owner.grpc.call('CloudServiceType', 'get', { cloud_service_type_id: ids['cloud_service_type_id'] })).toMatchObject({ workspace_id: 'ws-1' });
    expect(await owner.grpc.call('Region', 'get', { region_id: ids['region_id'] })).toMatchObject({ workspace_id: 'ws-1' });
    // and its domain's admin sees them too (the whole domain)
    expect(await adminA.grpc.call('Collector', 'get', { collector_id: ids['collector_id'] })).toMatchObject({ workspace_id: 'ws-1' });
    expect(await adminA.post('/inventory/v1/cloud-service/get', { cloud_service_id: ids['cloud_service_id'] })).toMatchObject({ status: 200 });
  });

  it('every RPC, as another domain, another workspace of the same domain, a member there and another domain\'s system token: NOT_FOUND or PERMISSION_DENIED (or an empty answer), over gRPC and HTTP, and nothing changed', async () => {
    // creations take no object id (where they land is tested below); everything else is walked
    const rpcs = contractRpcs().filter((rpc) => !SHARED_SERVICES.has(rpc.service) && rpc.method !== 'create');
    expect(rpcs.length).toBeGreaterThan(55);
    const victimIds = Object.entries(ids).filter(([field]) => field !== 'plugin_id').map(([, id]) => id);
    const before = await snapshot();
    const leaks: unknown[] = [];
    let walked = 0;
    for (const intruder of intruders) {
      const who = `${intruder.identity.role} ${intruder.identity.domain}/${intruder.identity.workspace ?? '-'}`;
      for (const rpc of rpcs) {
        const request = requestFor(rpc, ids);
        const where = `${who} ${rpc.short}.${rpc.method}`;
        try {
          const answer = await intruder.grpc.call(rpc.short as never, rpc.method, request);
          if (!showsNothing(answer, victimIds)) leaks.push({ where, grpc: answer });
        } catch (error) {
          const code = (error as { code: number }).code;
          if (!DENIED_GRPC.includes(code)) leaks.push({ where, grpc: code, details: (error as Error).message });
        }
        if (rpc.http?.verb === 'post') {
          const answer = await intruder.post(rpc.http.path, request);
          if (answer.status === 200 ? !showsNothing(answer.body, victimIds) : !DENIED_HTTP.includes(answer.status)) {
            leaks.push({ where, http: answer.status, body: answer.body });
          }
        }
        walked++;
      }
    }
    expect(leaks).toEqual([]);
    expect(walked).toBe(rpcs.length * intruders.length);
    expect(await snapshot()).toEqual(before);
    // the victim's objects are all still there, unchanged by name
    expect(await owner.grpc.call('Collector', 'get', { collector_id: ids['collector_id'] })).toMatchObject({ name: 'victim' });
  });

  it('a workspace caller creates in its own workspace only: a request naming another workspace lands in its own; DOMAIN-level is refused', async () => {
    const ws2 = intruders[1];
    const created = await ws2.grpc.call('Collector', 'create', { name: 'mine', workspace_id: 'ws-1', resource_group: 'WORKSPACE', plugin_info: { plugin_id: 'synthetic' } });
    expect(created['workspace_id']).toBe('ws-2');
    await expect(ws2.grpc.call('Collector', 'create', { name: 'domain', resource_group: 'DOMAIN', plugin_info: { plugin_id: 'synthetic' } })).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
    const secret = await ws2.grpc.call('Secret', 'create', { name: 's', provider: 'synthetic', workspace_id: 'ws-1', data: { a: 1 } });
    expect(secret['workspace_id']).toBe('ws-2');
    // the owner of ws-1 does not see them
    expect((await owner.grpc.call('Collector', 'list', {}))['results'].map((c: { name: string }) => c.name)).toEqual(['victim']);
    await ws2.grpc.call('Collector', 'delete', { collector_id: created['collector_id'] });
    await ws2.grpc.call('Secret', 'delete', { secret_id: secret['secret_id'] });
  });

  it("workspace callers read the domain's DOMAIN-level collectors (Cloudforet's \"*\") but cannot change or collect them", async () => {
    const domainLevel = await adminA.grpc.call('Collector', 'create', { name: 'domain-wide', resource_group: 'DOMAIN', plugin_info: { plugin_id: 'synthetic', options: { count: 1 } } });
    try {
      expect(domainLevel['workspace_id']).toBe('*');
      expect(await owner.grpc.call('Collector', 'get', { collector_id: domainLevel['collector_id'] })).toMatchObject({ name: 'domain-wide' });
      expect((await owner.grpc.call('Collector', 'list', {}))['total_count']).toBe(2);
      for (const [method, request] of [
        ['update', { collector_id: domainLevel['collector_id'], name: 'x' }],
        ['delete', { collector_id: domainLevel['collector_id'] }],
        ['collect', { collector_id: domainLevel['collector_id'] }],
      ] as const) {
        await expect(owner.grpc.call('Collector', method, request)).rejects.toMatchObject({ code: status.NOT_FOUND });
      }
    } finally {
      await adminA.grpc.call('Collector', 'delete', { collector_id: domainLevel['collector_id'] });
    }
  });

  it("a member sees its projects' job tasks, cloud services and secrets only", async () => {
    const member = await stack.as({ domain: 'tenant-a', role: 'WORKSPACE_MEMBER', workspace: 'ws-1', projects: ['project-1'] });
    const stranger = await stack.as({ domain: 'tenant-a', role: 'WORKSPACE_MEMBER', workspace: 'ws-1', projects: ['project-9'] });
    expect((await member.grpc.call('CloudService', 'list', {}))['total_count']).toBe(3);
    expect((await member.grpc.call('JobTask', 'list', {}))['total_count']).toBe(1);
    expect((await member.grpc.call('Secret', 'list', {}))['total_count']).toBe(1);
    expect(await member.grpc.call('CloudService', 'get', { cloud_service_id: ids['cloud_service_id'] })).toMatchObject({ project_id: 'project-1' });
    expect((await stranger.grpc.call('CloudService', 'list', {}))['total_count']).toBe(0);
    expect((await stranger.grpc.call('JobTask', 'list', {}))['total_count']).toBe(0);
    expect((await stranger.grpc.call('CloudService', 'stat', { query: { aggregate: [{ count: { name: 'n' } }] } }))['results']).toEqual([]);
    await expect(stranger.grpc.call('CloudService', 'get', { cloud_service_id: ids['cloud_service_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(stranger.grpc.call('JobTask', 'get', { job_task_id: ids['job_task_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
    // both see the workspace's collectors and jobs (they do not belong to projects)
    expect((await stranger.grpc.call('Collector', 'list', {}))['total_count']).toBe(1);
    // the change history goes with the cloud service; a member writes cloud services of its own projects only
    expect((await member.grpc.call('ChangeHistory', 'list', { cloud_service_id: ids['cloud_service_id'] }))['total_count']).toBe(1);
    await expect(stranger.grpc.call('ChangeHistory', 'list', { cloud_service_id: ids['cloud_service_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(stranger.grpc.call('CloudService', 'update', { cloud_service_id: ids['cloud_service_id'], name: 'x' })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(stranger.grpc.call('CloudService', 'delete', { cloud_service_id: ids['cloud_service_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
    const manual = { provider: 'synthetic', cloud_service_group: 'EC2', cloud_service_type: 'Instance', data: {}, reference: { resource_id: 'i-manual' } };
    await expect(stranger.grpc.call('CloudService', 'create', { ...manual, project_id: 'project-1' })).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    const created = await stranger.grpc.call('CloudService', 'create', { ...manual, project_id: 'project-9' });
    expect([created['workspace_id'], created['project_id']]).toEqual(['ws-1', 'project-9']);
    await expect(member.grpc.call('CloudService', 'get', { cloud_service_id: created['cloud_service_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await stranger.grpc.call('CloudService', 'delete', { cloud_service_id: created['cloud_service_id'] });
  });
});

describe('authentication and roles', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  it('every RPC without a token: UNAUTHENTICATED over gRPC, 401 over HTTP, with one message; probes stay open', async () => {
    const anonymous = stack.grpc.withMetadata({});
    const answers = new Set<string>();
    const rpcs = contractRpcs();
    for (const rpc of rpcs) {
      const grpcError = await anonymous.call(rpc.short as never, rpc.method, {}).then(
        () => undefined,
        (error: { code: number; details: string }) => error,
      );
      // services this version does not serve at all answer UNIMPLEMENTED before any check
      if (grpcError?.code !== status.UNIMPLEMENTED) {
        expect([rpc.short, rpc.method, grpcError?.code]).toEqual([rpc.short, rpc.method, status.UNAUTHENTICATED]);
        answers.add(grpcError!.details);
      }
      if (rpc.http) {
        const response = await fetch(`${stack.httpUrl}${rpc.http.path}`, {
          method: rpc.http.verb.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          body: rpc.http.verb === 'post' ? '{}' : undefined,
        });
        const body = (await response.json()) as { code: string; message: string };
        if (response.status !== 501) {
          expect([rpc.http.path, response.status]).toEqual([rpc.http.path, 401]);
          answers.add(`${body.code}: ${body.message}`);
        }
      }
    }
    expect([...answers]).toEqual(['ERROR_AUTHENTICATE_FAILURE: Authenticate failure.']);
    expect((await fetch(`${stack.httpUrl}/health`)).status).toBe(200);
    expect((await fetch(`${stack.httpUrl}/docs-json`)).status).toBe(200);
    expect((await fetch(`${stack.httpUrl}/console/`)).status).toBe(200);
  });

  it('refuses expired, not yet valid, foreign-signed, unsigned, HS256, incomplete and garbage tokens alike; the log says why, never the token', async () => {
    const admin = { domain: 'domain-default', role: 'DOMAIN_ADMIN' } as const;
    const now = Math.floor(Date.now() / 1000);
    const valid = await stack.tokens.mint(admin);
    const [head, payload] = valid.split('.');
    const bad: Record<string, string> = {
      expired: await stack.tokens.mint(admin, { ttlSeconds: -120 }),
      'not yet valid': await stack.tokens.mint(admin, { claims: { nbf: now + 600 } }),
      'wrong key': await stack.tokens.mint(admin, { key: TestTokens.otherKey() }),
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`,
      'HS256 signed with the public key': await (async () => {
        const { createHmac, createPublicKey } = await import('node:crypto');
        const pem = createPublicKey(stack.tokens.privateKey).export({ type: 'spki', format: 'pem' }) as string;
        const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
        return `${h}.${payload}.${createHmac('sha256', pem).update(`${h}.${payload}`).digest('base64url')}`;
      })(),
      'missing did': await stack.tokens.mint(admin, { claims: { did: undefined } }),
      'wrong ver': await stack.tokens.mint(admin, { claims: { ver: '1.1' } }),
      garbage: 'this-is-not-a-jwt',
      'valid header, garbage rest': `${head}.garbage.garbage`,
    };
    const answers = new Set<string>();
    for (const [name, token] of Object.entries(bad)) {
      const grpcError = await stack.grpc.call('Collector', 'list', {}, metadataOf(token)).then(
        () => undefined,
        (error: { code: number; details: string }) => error,
      );
      expect([name, grpcError?.code]).toEqual([name, status.UNAUTHENTICATED]);
      answers.add(grpcError!.details);
      const http = await stack.post('/inventory/v1/collector/list', {}, { authorization: `Bearer ${token}` });
      expect([name, http.status]).toEqual([name, 401]);
      answers.add(`${http.body.code}: ${http.body.message}`);
    }
    expect([...answers]).toEqual(['ERROR_AUTHENTICATE_FAILURE: Authenticate failure.']);
    const log = stack.inventory.log();
    for (const token of Object.values(bad)) if (token.length > 40) expect(log).not.toContain(token.split('.').pop() || token);
    expect(log).toMatch(/authentication failed: .*exp/);
    // and the valid one passes
    expect(await stack.grpc.call('Collector', 'list', {}, metadataOf(valid))).toMatchObject({ total_count: expect.any(Number) });
  });

  it('a member calling an admin RPC: PERMISSION_DENIED / 403; the plugin registry takes a system token only', async () => {
    const member = await stack.as({ domain: 'domain-default', role: 'WORKSPACE_MEMBER', workspace: 'ws-1', projects: ['*'] });
    const ownerOf = await stack.as({ domain: 'domain-default', role: 'WORKSPACE_OWNER', workspace: 'ws-1' });
    const system = await stack.as({ domain: 'domain-default', role: 'SYSTEM' });
    const denied: [Caller, string, string, Record<string, unknown>, string][] = [
      [member, 'Collector', 'create', { name: 'x', plugin_info: { plugin_id: 'synthetic' } }, '/inventory/v1/collector/create'],
      [member, 'Collector', 'delete', { collector_id: 'collector-x' }, '/inventory/v1/collector/delete'],
      [member, 'Secret', 'create', { name: 'x', data: { a: 1 } }, '/secret/v1/secret/create'],
      [member, 'Job', 'delete', { job_id: 'job-x' }, '/inventory/v1/job/delete'],
      [member, 'Job', 'cancel', { job_id: 'job-x' }, '/inventory/v1/job/cancel'],
      [member, 'JobTask', 'delete', { job_task_id: 'job-task-x' }, '/inventory/v1/job-task/delete'],
      [ownerOf, 'Plugin', 'register', { plugin_id: 'evil', endpoint: '127.0.0.1:1', service_type: 'COLLECTOR' }, '/inventory/v1/plugin/register'],
      [stack as unknown as Caller, 'Plugin', 'register', { plugin_id: 'evil', endpoint: '127.0.0.1:1', service_type: 'COLLECTOR' }, '/inventory/v1/plugin/register'],
      [stack as unknown as Caller, 'Plugin', 'deregister', { plugin_id: 'synthetic' }, '/inventory/v1/plugin/deregister'],
      [stack as unknown as Caller, 'Plugin', 'list', {}, '/inventory/v1/plugin/list'],
    ];
    for (const [caller, service, method, request, path] of denied) {
      await expect(caller.grpc.call(service as never, method, request)).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/^ERROR_PERMISSION_DENIED: /) });
      expect([path, (await caller.post(path, request)).status]).toEqual([path, 403]);
    }
    // what a member may do, it does: read, and collect
    expect(await member.grpc.call('Collector', 'list', {})).toMatchObject({ total_count: 0 });
    // a token whose permissions do not cover the RPC is refused too
    const readOnly = await stack.tokens.mint({ domain: 'domain-default', role: 'DOMAIN_ADMIN' }, { claims: { permissions: ['inventory:Collector.read'] } });
    await expect(stack.grpc.call('Collector', 'list', {}, metadataOf(readOnly))).resolves.toMatchObject({ results: [] });
    await expect(stack.grpc.call('Collector', 'create', { name: 'x', plugin_info: { plugin_id: 'synthetic' } }, metadataOf(readOnly))).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    // a system token may, acting for the domain it names; without one, a domain RPC says what is missing
    expect((await system.grpc.call('Plugin', 'list', {}))['results'].map((p: { plugin_id: string }) => p.plugin_id).sort()).toEqual(['file-storage', 'synthetic']);
    const bare = stack.grpc.withMetadata({ token: system.token });
    expect((await bare.call('Plugin', 'list', {}))['total_count']).toBe(2);
    await expect(bare.call('Collector', 'list', {})).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('x_domain_id') });
  });

  it('a collect never uses another domain\'s or workspace\'s secrets, even of the same provider', async () => {
    const ws1 = await stack.as({ domain: 'collect-a', role: 'WORKSPACE_OWNER', workspace: 'ws-1' });
    const ws2 = await stack.as({ domain: 'collect-a', role: 'WORKSPACE_OWNER', workspace: 'ws-2' });
    const adminA = await stack.as({ domain: 'collect-a', role: 'DOMAIN_ADMIN' });
    const adminB = await stack.as({ domain: 'collect-b', role: 'DOMAIN_ADMIN' });
    const secret = (caller: Caller, name: string, extra: Record<string, unknown> = {}) =>
      caller.grpc.call('Secret', 'create', { name, provider: 'synthetic', data: { account_id: '1' }, ...extra });
    const mine = await secret(ws1, 'ws-1');
    const other = await secret(ws2, 'ws-2');
    const domainWide = await secret(adminA, 'domain-wide', { resource_group: 'DOMAIN' });
    const foreign = await secret(adminB, 'other domain');
    const plugin = { plugin_id: 'synthetic', options: { count: 1 } };
    const tasksOf = async (caller: Caller, collectorId: string, secretId?: string) => {
      const job = await caller.grpc.call('Collector', 'collect', { collector_id: collectorId, ...(secretId ? { secret_id: secretId } : {}) });
      const tasks = (await caller.grpc.call('JobTask', 'list', { job_id: job['job_id'] }))['results'] as { secret_id: string }[];
      await waitForJob({ ...stack, grpc: caller.grpc }, job['job_id']);
      return { total: job['total_tasks'], secrets: tasks.map((t) => t.secret_id).sort() };
    };
    const workspaceCollector = await ws1.grpc.call('Collector', 'create', { name: 'ws-1', provider: 'synthetic', plugin_info: plugin });
    expect(await tasksOf(ws1, workspaceCollector['collector_id'])).toEqual({ total: 1, secrets: [mine['secret_id']] });
    const domainCollector = await adminA.grpc.call('Collector', 'create', { name: 'domain', provider: 'synthetic', resource_group: 'DOMAIN', plugin_info: plugin });
    expect(await tasksOf(adminA, domainCollector['collector_id'])).toEqual({
      total: 3,
      secrets: [mine['secret_id'], other['secret_id'], domainWide['secret_id']].sort(),
    });
    // naming another workspace's or domain's secret finds nothing to collect with
    for (const secretId of [other['secret_id'], domainWide['secret_id'], foreign['secret_id']]) {
      await expect(ws1.grpc.call('Collector', 'collect', { collector_id: workspaceCollector['collector_id'], secret_id: secretId })).rejects.toMatchObject({ code: status.NOT_FOUND });
    }
    await expect(adminA.grpc.call('Collector', 'collect', { collector_id: domainCollector['collector_id'], secret_id: foreign['secret_id'] })).rejects.toMatchObject({ code: status.NOT_FOUND });
    const collectorB = await adminB.grpc.call('Collector', 'create', { name: 'b', provider: 'synthetic', resource_group: 'DOMAIN', plugin_info: plugin });
    expect(await tasksOf(adminB, collectorB['collector_id'])).toEqual({ total: 1, secrets: [foreign['secret_id']] });
    // a member's collect uses only its projects' secrets
    const projectSecret = await secret(ws1, 'project', { project_id: 'project-7' });
    const member = await stack.as({ domain: 'collect-a', role: 'WORKSPACE_MEMBER', workspace: 'ws-1', projects: ['project-7'] });
    expect(await tasksOf(member, workspaceCollector['collector_id'])).toEqual({ total: 1, secrets: [projectSecret['secret_id']] });
  });
});

function metadataOf(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('token', token);
  return metadata;
}
