import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Stack, startStack } from '@cloud-inventory/testing';

/** Bad input gets a clear error with the right status, over gRPC and HTTP, and writes nothing. */
describe('bad input (gRPC and HTTP)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function counts() {
    const collectors = await stack.grpc.call('Collector', 'list', {});
    const secrets = await stack.grpc.call('Secret', 'list', {});
    const jobs = await stack.grpc.call('Job', 'list', {});
    return { collectors: collectors['total_count'], secrets: secrets['total_count'], jobs: jobs['total_count'] };
  }

  it('answers NOT_FOUND / 404 for an unknown collector, job, task or cloud service', async () => {
    await expect(stack.grpc.call('Collector', 'get', { collector_id: 'collector-000000000000' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: expect.stringContaining('ERROR_NOT_FOUND: Collector not found'),
    });
    await expect(stack.grpc.call('Collector', 'collect', { collector_id: 'collector-000000000000' })).rejects.toMatchObject({ code: status.NOT_FOUND });
    for (const [path, body] of [
      ['/inventory/v1/collector/get', { collector_id: 'collector-000000000000' }],
      ['/inventory/v1/collector/collect', { collector_id: 'collector-000000000000' }],
      ['/inventory/v1/job/get', { job_id: 'job-000000000000' }],
      ['/inventory/v1/job-task/get', { job_task_id: 'job-task-000000000000' }],
      ['/inventory/v1/cloud-service/get', { cloud_service_id: 'cloud-svc-000000000000' }],
      ['/secret/v1/secret/get', { secret_id: 'secret-000000000000' }],
    ] as const) {
      const response = await stack.post(path, body);
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 404, code: 'ERROR_NOT_FOUND' });
    }
    expect((await stack.post('/inventory/v1/nothing/here', {})).status).toBe(404);
  });

  it('answers INVALID_ARGUMENT / 400 for missing fields, naming them, and writes nothing', async () => {
    const before = await counts();
    await expect(stack.grpc.call('Collector', 'create', { plugin_info: { plugin_id: 'synthetic' } })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('key = name'),
    });
    await expect(stack.grpc.call('Secret', 'create', { name: 'no data' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('key = data'),
    });
    const missingPlugin = await stack.post('/inventory/v1/collector/create', { name: 'no plugin' });
    expect(missingPlugin).toMatchObject({ status: 400, body: { code: 'ERROR_REQUIRED_PARAMETER', message: expect.stringContaining('plugin_info') } });
    const unknownPlugin = await stack.post('/inventory/v1/collector/create', { name: 'x', plugin_info: { plugin_id: 'nope' } });
    expect(unknownPlugin).toMatchObject({ status: 404, body: { message: expect.stringContaining('nope') } });
    expect(await counts()).toEqual(before);
  });

  it('answers 400 for malformed JSON and for wrong types, naming the field, and writes nothing', async () => {
    const before = await counts();
    const malformed = await stack.post('/inventory/v1/collector/create', '{"name": "x",');
    expect(malformed).toMatchObject({ status: 400, body: { code: 'ERROR_INVALID_ARGUMENT', message: expect.stringContaining('not valid JSON') } });
    const cases: [string, unknown, string][] = [
      ['/inventory/v1/collector/create', { name: 42, plugin_info: { plugin_id: 'synthetic' } }, 'name must be a string'],
      ['/inventory/v1/collector/create', { name: 'x', plugin_info: 'synthetic' }, 'plugin_info must be a JSON object'],
      ['/inventory/v1/collector/create', { name: 'x', plugin_info: { plugin_id: 'synthetic', options: [1] } }, 'plugin_info.options must be a JSON object'],
      ['/inventory/v1/collector/create', { name: 'x', schedule: { hours: ['nine'] } }, 'schedule.hours[0] must be an integer'],
      ['/inventory/v1/collector/create', { name: 'x', resource_group: 'GALAXY' }, 'resource_group must be one of'],
      ['/inventory/v1/collector/create', { name: 'x', surprise: true }, 'surprise is not a field'],
      ['/inventory/v1/job/list', { query: { page: { limit: -1 } } }, 'query.page.limit is out of the uint32 range'],
      ['/inventory/v1/job/list', { status: 'EXPLODED' }, 'status must be one of'],
      ['/secret/v1/secret/create', { name: 'x', data: 'password' }, 'data must be a JSON object'],
      ['/inventory/v1/job/list', [1, 2], 'body must be a JSON object'],
    ];
    for (const [path, body, message] of cases) {
      const response = await stack.post(path, body);
      expect({ path, status: response.status, message: response.body.message }).toEqual({
        path,
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    expect(await counts()).toEqual(before);
  });

  it('never echoes a malformed body back in the error: 400 "not valid JSON", without a byte of what was sent', async () => {
    const before = await counts();
    const malformed = [
      '{"name": "x", "data": {"api_key": "sk-do-not-echo-1" "account_id": 1}}',
      '{"name": "x", "data": {"api_key": sk-do-not-echo-2}}',
      'sk-do-not-echo-3',
      '{"name": "sk-do-not-echo-4"}, "trailing"',
      '["sk-do-not-echo-5",',
    ];
    for (const body of malformed) {
      const response = await fetch(`${stack.httpUrl}/secret/v1/secret/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
        body,
      });
      const text = await response.text();
      expect({ body, status: response.status, code: JSON.parse(text).code, message: JSON.parse(text).message }).toEqual({
        body,
        status: 400,
        code: 'ERROR_INVALID_ARGUMENT',
        message: expect.stringMatching(/^Request body is not valid JSON/),
      });
      expect({ body, echoed: /do-not-echo|sk-/.test(text) }).toEqual({ body, echoed: false });
    }
    expect(stack.inventory.log()).not.toContain('do-not-echo');
    expect(await counts()).toEqual(before);
  });

  it('rejects a plugin registration that is not host:port, and a collect of a secret the collector cannot use', async () => {
    const system = await stack.as({ domain: 'domain-default', role: 'SYSTEM' });
    await expect(system.grpc.call('Plugin', 'register', { plugin_id: 'p', endpoint: 'not an endpoint', service_type: 'COLLECTOR' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    // a plugin may only point at the hosts PLUGIN_ALLOWED_HOSTS allows (loopback and INVENTORY_PLUGINS by default):
    // nobody re-points a plugin, and with it every domain's secrets, at a host of theirs
    for (const endpoint of ['10.0.0.5:22', 'collector.evil.example:50051']) {
      await expect(system.grpc.call('Plugin', 'register', { plugin_id: 'synthetic', endpoint, service_type: 'COLLECTOR' })).rejects.toMatchObject({
        code: status.PERMISSION_DENIED,
        details: expect.stringContaining('is not allowed'),
      });
    }
    expect((await system.grpc.call('Plugin', 'get', { plugin_id: 'synthetic' }))['endpoint']).toBe(stack.collectorPluginAddress);
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'only synthetic',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', options: { count: 1 } },
    });
    const secret = await stack.grpc.call('Secret', 'create', { name: 'aws', provider: 'aws', data: { account_id: '1' } });
    const before = await counts();
    await expect(
      stack.grpc.call('Collector', 'collect', { collector_id: collector['collector_id'], secret_id: secret['secret_id'] }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining(secret['secret_id']) });
    expect(await counts()).toEqual(before);
  });

  it('keeps each domain to its own data: another domain sees nothing and cannot reach it by id', async () => {
    const mine = await stack.grpc.call('Collector', 'create', { name: 'mine', provider: 'synthetic', plugin_info: { plugin_id: 'synthetic' } });
    const other = await stack.as({ domain: 'domain-other', role: 'DOMAIN_ADMIN' });
    expect((await other.post('/inventory/v1/collector/get', { collector_id: mine['collector_id'] })).status).toBe(404);
    expect((await other.post('/inventory/v1/collector/list', {})).body).toEqual({ results: [], total_count: 0 });
    expect((await other.post('/inventory/v1/collector/collect', { collector_id: mine['collector_id'] })).status).toBe(404);
    expect((await stack.post('/inventory/v1/collector/get', { collector_id: mine['collector_id'] })).status).toBe(200);
    // a system token acts for the domain x-domain-id names, which must be an id
    const system = await stack.as({ domain: 'domain-default', role: 'SYSTEM' });
    expect((await system.post('/inventory/v1/collector/get', { collector_id: mine['collector_id'] })).status).toBe(200);
    expect((await system.post('/inventory/v1/collector/get', { collector_id: mine['collector_id'] }, { 'x-domain-id': "x'; DROP TABLE job;--" })).status).toBe(400);
  });

  it('answers UNAVAILABLE / 503 when creating a collector whose plugin does not answer, and writes nothing', async () => {
    const before = await counts();
    const system = await stack.as({ domain: 'domain-default', role: 'SYSTEM' });
    await system.grpc.call('Plugin', 'register', { plugin_id: 'gone', endpoint: '127.0.0.1:1', service_type: 'COLLECTOR' });
    const response = await stack.post('/inventory/v1/collector/create', { name: 'x', plugin_info: { plugin_id: 'gone' } });
    expect(response).toMatchObject({ status: 503, body: { code: 'ERROR_GRPC_CONNECTION', message: expect.stringContaining('unreachable') } });
    expect(await counts()).toEqual(before);
  });

  /** google.protobuf.Struct bytes of {d: {d: … {} }} `levels` deep, built inside out (no encoder recursion). */
  function deepStructBytes(levels: number): Buffer {
    const key = Buffer.from([0x0a, 0x01, 0x64]); // MapEntry.key = "d"
    const delimited = (tag: number, body: Buffer) => {
      const length: number[] = [];
      for (let n = body.length; ; n >>>= 7) {
        if (n < 0x80) {
          length.push(n);
          break;
        }
        length.push((n & 0x7f) | 0x80);
      }
      return Buffer.concat([Buffer.from([tag, ...length]), body]);
    };
    let struct = Buffer.alloc(0);
    for (let i = 0; i < levels; i++) {
      const value = delimited(0x2a, struct); // Value.struct_value
      struct = delimited(0x0a, Buffer.concat([key, delimited(0x12, value)])); // Struct.fields entry
    }
    return struct;
  }

  it('refuses a Struct nested deeper than 64 levels with INVALID_ARGUMENT and a clear message, over HTTP and gRPC, writing nothing', async () => {
    const before = await counts();
    // the body as text: JSON.stringify itself would run out of stack on 20,000 levels
    const deep = `${'{"d":'.repeat(20_000)}{}${'}'.repeat(20_000)}`;
    const response = await stack.post('/inventory/v1/collector/create', `{"name": "deep", "plugin_info": {"plugin_id": "synthetic", "options": ${deep}}}`);
    expect(response).toMatchObject({ status: 400, body: { message: expect.stringContaining('a Struct is nested deeper than 64 levels') } });
    expect(JSON.stringify(response.body)).not.toContain('call stack');

    // gRPC: CreateSecretRequest {name = 1: "deep", data = 2: the Struct}, sent as raw bytes
    for (const levels of [100, 5_000]) {
      const request = Buffer.concat([Buffer.from([0x0a, 0x04]), Buffer.from('deep'), Buffer.from([0x12]), varint(deepStructBytes(levels).length), deepStructBytes(levels)]);
      const client = new grpc.Client(stack.grpcAddress, grpc.credentials.createInsecure());
      const metadata = new grpc.Metadata();
      metadata.set('token', stack.token);
      const error = await new Promise<grpc.ServiceError | null>((resolve) =>
        client.makeUnaryRequest('/spaceone.api.secret.v1.Secret/create', (b: Buffer) => b, (b: Buffer) => b, request, metadata, (e) => resolve(e)),
      );
      client.close();
      expect({ levels, code: error?.code, details: error?.details }).toEqual({
        levels,
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(/Invalid request: (a Struct is nested deeper than 64 levels|the request is nested too deeply)/),
      });
    }
    expect(await counts()).toEqual(before);
  });
});

function varint(n: number): Buffer {
  const bytes: number[] = [];
  for (; n >= 0x80; n >>>= 7) bytes.push((n & 0x7f) | 0x80);
  bytes.push(n);
  return Buffer.from(bytes);
}
