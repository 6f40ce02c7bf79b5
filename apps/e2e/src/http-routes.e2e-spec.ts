import { status } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { ProtoJson } from '@cloud-inventory/grpc';
import { get, JsonRecord, Stack, startStack } from '@cloud-inventory/testing';

/**
 * Routes and protos cannot drift: every google.api.http binding of the contract (main routes and
 * additional_bindings) of an RPC the inventory serves over gRPC is served over HTTP (not 404) and is
 * in the OpenAPI document, described by the binding's request message; an RPC that answers
 * UNIMPLEMENTED over gRPC answers 501 over HTTP.
 */

interface Binding {
  service: string;
  method: string;
  verb: string;
  path: string;
  requestType: string;
}

const protoJson = ProtoJson.load(['inventoryV1', 'secretV1']);
const SERVICES = [
  'spaceone.api.inventory.v1.Collector',
  'spaceone.api.inventory.v1.Job',
  'spaceone.api.inventory.v1.JobTask',
  'spaceone.api.inventory.v1.CloudService',
  'spaceone.api.inventory.v1.CloudServiceType',
  'spaceone.api.inventory.v1.Region',
  'spaceone.api.inventory.v1.ChangeHistory',
  'spaceone.api.inventory.v1.Namespace',
  'spaceone.api.inventory.v1.Metric',
  'spaceone.api.inventory.v1.MetricData',
  'spaceone.api.inventory.v1.Plugin',
  'spaceone.api.secret.v1.Secret',
];

function bindings(): Binding[] {
  const found: Binding[] = [];
  for (const name of SERVICES) {
    const service = protoJson.service(name);
    for (const [methodName, method] of Object.entries(service.methods)) {
      method.resolve();
      const options = (method.parsedOptions ?? []) as Record<string, Record<string, unknown>>[];
      const rule = options.map((option) => option['(google.api.http)']).find((r) => r !== undefined);
      if (!rule) continue;
      const extra = rule['additional_bindings'];
      for (const entry of [rule, ...(Array.isArray(extra) ? extra : extra ? [extra] : [])] as Record<string, unknown>[]) {
        const verb = ['get', 'post', 'put', 'patch', 'delete'].find((v) => typeof entry[v] === 'string')!;
        found.push({
          service: service.name,
          method: methodName,
          verb,
          path: entry[verb] as string,
          requestType: (method.resolvedRequestType as protobuf.Type).fullName.replace(/^\./, ''),
        });
      }
    }
  }
  return found;
}

describe('HTTP routes, the .proto bindings and the OpenAPI document', () => {
  let stack: Stack;
  let document: { paths: Record<string, JsonRecord>; components: { schemas: JsonRecord } };

  beforeAll(async () => {
    stack = await startStack();
    const response = await get(stack.httpUrl, '/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const response = await fetch(`${stack.httpUrl}/docs`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger');
  });

  it('serves every binding of every implemented RPC, and documents it from the proto; unimplemented RPCs answer UNIMPLEMENTED and 501', async () => {
    const all = bindings();
    expect(all.length).toBeGreaterThan(40);
    const implemented: string[] = [];
    const unimplemented: string[] = [];
    for (const binding of all) {
      // an empty request: never a side effect (every write needs an id or a name)
      let grpcCode: number = status.OK;
      await stack.grpc.call(binding.service as never, binding.method, {}).catch((error: { code: number }) => {
        grpcCode = error.code;
      });
      const http =
        binding.verb === 'get'
          ? await fetch(`${stack.httpUrl}${binding.path}`, { headers: { authorization: `Bearer ${stack.token}` } }).then(async (r) => ({ status: r.status, body: await r.json() }))
          : await stack.post(binding.path, {});
      const where = `${binding.verb.toUpperCase()} ${binding.path} (${binding.service}.${binding.method})`;
      if (grpcCode === status.UNIMPLEMENTED) {
        unimplemented.push(where);
        expect({ where, status: http.status, body: http.body }).toEqual({
          where,
          status: 501,
          body: { code: 'ERROR_NOT_IMPLEMENTED', message: `${binding.service}.${binding.method} is not implemented yet.` },
        });
        continue;
      }
      implemented.push(where);
      expect({ where, status: http.status === 404 || http.status >= 500 ? http.status : 'served' }).toEqual({ where, status: 'served' });
      const operation = document.paths[binding.path]?.[binding.verb];
      expect({ where, documented: operation !== undefined }).toEqual({ where, documented: true });
      if (binding.verb === 'get') {
        expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'collector_id']));
      } else {
        expect({ where, schema: operation.requestBody.content['application/json'].schema }).toEqual({
          where,
          schema: { $ref: `#/components/schemas/${binding.requestType}` },
        });
        expect(document.components.schemas[binding.requestType]).toBeDefined();
      }
    }
    // the query RPCs of this issue are among them, old Job routes included
    expect(implemented).toEqual(
      expect.arrayContaining([
        'POST /inventory/v1/job/stat (Job.stat)',
        'POST /inventory/v1/jobs/stat (Job.stat)',
        'POST /inventory/v1/jobs/search (Job.list)',
        'GET /inventory/v1/jobs (Job.list)',
        'POST /inventory/v1/job/analyze (Job.analyze)',
        'POST /inventory/v1/job/cancel (Job.cancel)',
        'POST /inventory/v1/job-task/stat (JobTask.stat)',
        'POST /inventory/v1/collector/stat (Collector.stat)',
        'POST /inventory/v1/cloud-service/stat (CloudService.stat)',
        'POST /inventory/v1/cloud-service/analyze (CloudService.analyze)',
        'POST /secret/v1/secret/stat (Secret.stat)',
        // the resource model (issue 13)
        'POST /inventory/v1/cloud-service/create (CloudService.create)',
        'POST /inventory/v1/cloud-service/update (CloudService.update)',
        'POST /inventory/v1/cloud-service/delete (CloudService.delete)',
        ...['create', 'update', 'delete', 'get', 'list', 'stat'].flatMap((verb) => [
          `POST /inventory/v1/cloud-service-type/${verb} (CloudServiceType.${verb})`,
          `POST /inventory/v1/region/${verb} (Region.${verb})`,
        ]),
        'POST /inventory/v1/change-history/list (ChangeHistory.list)',
        'POST /inventory/v1/change-history/stat (ChangeHistory.stat)',
        // namespaces, metrics and their data (issue 13)
        ...['create', 'update', 'delete', 'get', 'list', 'stat'].map((verb) => `POST /inventory/v1/namespace/${verb} (Namespace.${verb})`),
        ...['create', 'update', 'delete', 'run', 'test', 'get', 'list', 'stat'].map((verb) => `POST /inventory/v1/metric/${verb} (Metric.${verb})`),
        ...['list', 'stat', 'analyze'].map((verb) => `POST /inventory/v1/metric-data/${verb} (MetricData.${verb})`),
      ]),
    );
    // those this version does not serve yet, by a controller that says so
    expect(unimplemented).toEqual(['POST /inventory/v1/cloud-service/export (CloudService.export)']);
    // a route outside the contract is still not found
    expect(await stack.post('/inventory/v1/region/nothing', {})).toMatchObject({ status: 404, body: { code: 'ERROR_NOT_FOUND' } });
  });

  it('documents the request examples of the seeds, each one a request the API accepts', async () => {
    const list = document.paths['/inventory/v1/job/list']['post'].requestBody.content['application/json'].examples;
    expect(list.all.value).toEqual({ query: {} });
    expect(list.search.value.query.only).toEqual(['job_id', 'status', 'total_tasks', 'remained_tasks', 'failure_tasks']);
    const search = document.paths['/inventory/v1/jobs/search']['post'].requestBody.content['application/json'].examples;
    expect(search.all.value).toEqual({ query: {} });
    expect(document.paths['/inventory/v1/jobs/stat']['post'].requestBody.content['application/json'].examples.daily).toBeDefined();
    expect(document.paths['/inventory/v1/job-task/stat']['post'].requestBody.content['application/json'].examples.perStatus).toBeDefined();
    expect(document.paths['/inventory/v1/job/analyze']['post'].requestBody.content['application/json'].examples.byCollector.value.query.field_group).toEqual([
      'status',
    ]);
    // every example of the document is a request the API accepts (the ids of the seeds exist nowhere: 404 is fine)
    for (const [path, item] of Object.entries(document.paths)) {
      const examples = item['post']?.requestBody?.content['application/json'].examples ?? {};
      for (const [name, example] of Object.entries(examples as Record<string, { value: unknown }>)) {
        const response = await stack.post(path, example.value);
        expect({ path, name, status: response.status === 404 ? 200 : response.status, body: response.status === 200 || response.status === 404 ? undefined : response.body }).toEqual({
          path,
          name,
          status: 200,
          body: undefined,
        });
      }
    }
    expect(document.components.schemas['spaceone.api.inventory.v1.JobsQuery'].properties.status.enum).toEqual(
      expect.arrayContaining(['SUCCESS', 'FAILURE', 'CREATED', 'ERROR']),
    );
  });
});
