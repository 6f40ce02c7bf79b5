import * as grpc from '@grpc/grpc-js';
import { DescMethod, FileRegistry, createFileRegistry, create, fromBinary, fromJson, getExtension, toBinary, toJson } from '@bufbuild/protobuf';
import { FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { unaryClient } from '@cloud-inventory/grpc';
import { inventoryV1Grpc, reflectionV1 } from '@cloud-inventory/proto';
import { LooseJson, Stack, startStack } from '@cloud-inventory/testing';

type ReflectionRequest = reflectionV1.ServerReflectionRequest;
type ReflectionResponse = reflectionV1.ServerReflectionResponse;

/**
 * A reflection client as grpcurl, Evans or Cloudforet's python-core are: it knows only the
 * reflection protocol. It asks on one stream, request after request, like they do.
 */
class ReflectionClient {
  private readonly channel: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
  private readonly waiting: Array<{ resolve: (answer: ReflectionResponse) => void; reject: (error: Error) => void }> = [];

  constructor(address: string, version: 'v1' | 'v1alpha') {
    const method = reflectionV1.ServerReflectionService.serverReflectionInfo;
    this.channel = new grpc.Client(address, grpc.credentials.createInsecure());
    this.call = this.channel.makeBidiStreamRequest(
      `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      method.requestSerialize,
      method.responseDeserialize,
    );
    this.call.on('data', (answer: ReflectionResponse) => this.waiting.shift()?.resolve(answer));
    this.call.on('error', (error: Error) => this.waiting.splice(0).forEach((w) => w.reject(error)));
  }

  ask(query: Partial<ReflectionRequest>): Promise<ReflectionResponse> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.call.write({ host: '', ...query });
    });
  }

  async files(query: Partial<ReflectionRequest>): Promise<FileDescriptorProto[]> {
    const answer = await this.ask(query);
    if (answer.error_response) throw new Error(`${JSON.stringify(query)}: ${answer.error_response.error_message} (${answer.error_response.error_code})`);
    return answer.file_descriptor_response!.file_descriptor_proto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
  }

  close(): void {
    this.call.end();
    this.channel.close();
  }
}

interface Discovered {
  services: string[];
  /** For each service, the first file of the answer to file_containing_symbol (python-core reads only that one). */
  fileOf: Map<string, FileDescriptorProto>;
  registry: FileRegistry;
}

/**
 * What a reflection client does before its first call: list the services, fetch the file of
 * each, then the files they import that did not come along, and build a descriptor pool that
 * checks every import (createFileRegistry throws on a missing one).
 */
async function discover(address: string, version: 'v1' | 'v1alpha'): Promise<Discovered> {
  const client = new ReflectionClient(address, version);
  try {
    const listed = await client.ask({ list_services: '' });
    const services = listed.list_services_response!.service.map((service) => service.name);
    const files = new Map<string, FileDescriptorProto>();
    const fileOf = new Map<string, FileDescriptorProto>();
    for (const service of services) {
      const answer = await client.files({ file_containing_symbol: service });
      fileOf.set(service, answer[0]);
      for (const file of answer) files.set(file.name, file);
    }
    for (let missing = unresolved(files); missing.length > 0; missing = unresolved(files)) {
      for (const name of missing) for (const file of await client.files({ file_by_filename: name })) files.set(file.name, file);
    }
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: dependenciesFirst(files) }));
    return { services, fileOf, registry };
  } finally {
    client.close();
  }
}

function unresolved(files: Map<string, FileDescriptorProto>): string[] {
  return [...new Set([...files.values()].flatMap((file) => file.dependency))].filter((name) => !files.has(name));
}

function dependenciesFirst(files: Map<string, FileDescriptorProto>): FileDescriptorProto[] {
  const ordered: FileDescriptorProto[] = [];
  const visit = (file: FileDescriptorProto) => {
    if (ordered.includes(file)) return;
    for (const dependency of file.dependency) visit(files.get(dependency)!);
    ordered.push(file);
  };
  for (const file of files.values()) visit(file);
  return ordered;
}

/** A unary call with types built from reflected descriptors only: JSON in, JSON out. */
/** `token`: the inventory's gRPC metadata `token` (the plugins take none). */
async function callByReflection(address: string, registry: FileRegistry, service: string, methodName: string, json: object, token?: string): Promise<LooseJson> {
  const method: DescMethod | undefined = registry.getService(service)?.methods.find((m) => m.name === methodName);
  if (!method) throw new Error(`${service}.${methodName} is not in the reflected descriptors`);
  const request = toBinary(method.input, fromJson(method.input, json as never, { registry }));
  const channel = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token) metadata.set('token', token);
  try {
    const bytes = await new Promise<Buffer>((resolve, reject) =>
      channel.makeUnaryRequest(`/${service}/${method.name}`, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(request), metadata, { deadline: Date.now() + 20_000 }, (error, answer) =>
        error ? reject(error) : resolve(answer!),
      ),
    );
    return toJson(method.output, fromBinary(method.output, bytes), { registry, useProtoFieldName: true });
  } finally {
    channel.close();
  }
}

const shortName = (service: string) => service.slice(service.lastIndexOf('.') + 1);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('gRPC reflection, as clients that build their stubs from it use it', () => {
  const servers = () => [
    { name: 'inventory', address: stack.grpcAddress, expected: ['grpc.health.v1.Health', 'spaceone.api.inventory.v1.Collector', 'spaceone.api.inventory.v1.Job', 'spaceone.api.inventory.v1.JobTask', 'spaceone.api.inventory.v1.CloudService', 'spaceone.api.inventory.v1.Plugin', 'spaceone.api.secret.v1.Secret'] },
    { name: 'collector plugin', address: stack.collectorPluginAddress, expected: ['grpc.health.v1.Health', 'spaceone.api.inventory.plugin.Collector', 'spaceone.api.inventory.plugin.Job'] },
    { name: 'storage plugin', address: stack.storagePluginAddress, expected: ['grpc.health.v1.Health', 'spaceone.api.inventory.plugin.Storage'] },
  ];

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`${version}: every server's services resolve into a registry that checks imports, under their real file names and unique short names`, async () => {
      for (const server of servers()) {
        const { services, fileOf, registry } = await discover(server.address, version);
        expect({ server: server.name, services }).toEqual({ server: server.name, services: expect.arrayContaining(server.expected) });
        // spacectl and python-core keep one stub per short name
        expect({ server: server.name, shortNames: new Set(services.map(shortName)).size }).toEqual({ server: server.name, shortNames: services.length });
        for (const service of services) {
          expect(registry.getService(service)?.typeName).toBe(service);
          // python-core: the first file declares the service first, and is named <package path>/<module>.proto
          const file = fileOf.get(service)!;
          expect({ service, declared: `${file.package}.${file.service[0]?.name}`, named: file.name.startsWith(`${file.package.replace(/\./g, '/')}/`) && file.name.endsWith('.proto') }).toEqual({ service, declared: service, named: true });
        }
        expect(registry.getFile('google/protobuf/struct.proto')).toBeDefined();
      }
    });
  }

  it('makes a real call to each server with types built from reflected descriptors alone', async () => {
    const inventory = await discover(stack.grpcAddress, 'v1');
    const created = await stack.grpc.call('Collector', 'create', { name: 'reflected', provider: 'synthetic', plugin_info: { plugin_id: 'synthetic', options: { count: 1 } } });
    const listed = await callByReflection(stack.grpcAddress, inventory.registry, 'spaceone.api.inventory.v1.Collector', 'list', { collector_id: created['collector_id'] }, stack.token);
    expect(listed).toMatchObject({ total_count: 1, results: [{ collector_id: created['collector_id'], name: 'reflected', plugin_info: { plugin_id: 'synthetic', options: { count: 1 } } }] });

    // google.api.http arrives as the extension it is: a client can read the HTTP route of a method
    const http = inventory.registry.getExtension('google.api.http')!;
    const create = inventory.registry.getService('spaceone.api.inventory.v1.Collector')!.methods.find((m) => m.name === 'create')!;
    expect(toJson(http.message!, getExtension(create.proto.options!, http) as never)).toMatchObject({ post: '/inventory/v1/collector/create' });

    const collector = await discover(stack.collectorPluginAddress, 'v1alpha');
    const info = await callByReflection(stack.collectorPluginAddress, collector.registry, 'spaceone.api.inventory.plugin.Collector', 'init', { options: { count: 2 } });
    expect(info.metadata).toMatchObject({
      supported_resource_type: expect.arrayContaining(['inventory.CloudService', 'inventory.CloudServiceType', 'inventory.Region']),
      options_schema: { type: 'object' },
    });

    const storage = await discover(stack.storagePluginAddress, 'v1');
    const storageInfo = await callByReflection(stack.storagePluginAddress, storage.registry, 'spaceone.api.inventory.plugin.Storage', 'init', { options: {} });
    expect(storageInfo.metadata).toMatchObject({ supported_destinations: ['file'], data_version: 1 });
  });

  it('answers NOT_FOUND for what a server does not describe', async () => {
    const client = new ReflectionClient(stack.collectorPluginAddress, 'v1');
    try {
      for (const query of [{ file_containing_symbol: 'spaceone.api.inventory.v1.Collector' }, { file_by_filename: 'spaceone_api_inventory_plugin.proto' }]) {
        expect((await client.ask(query)).error_response?.error_code).toBe(grpc.status.NOT_FOUND);
      }
      // the stream stays usable after an error
      expect((await client.files({ file_containing_symbol: 'spaceone.api.inventory.plugin.Job.get_tasks' }))[0].name).toBe('spaceone/api/inventory/plugin/job.proto');
    } finally {
      client.close();
    }
  });
});

describe('generated clients and the proto-loader servers agree', () => {
  it('on enums and Structs with nested lists, nulls and numbers, in both directions', async () => {
    const tags = { team: 'ops', weight: -1.5, big: 2 ** 53 - 1, on: true, none: null, list: [1, 'two', null, [3, [4]], { five: 5 }], nested: { empty: {}, emptyList: [] } };
    const channel = new grpc.Client(stack.grpcAddress, grpc.credentials.createInsecure());
    // the plugin registry takes a system token
    const system = await stack.as({ domain: 'domain-default', role: 'SYSTEM' });
    const metadata = new grpc.Metadata();
    metadata.set('token', system.token);
    try {
      const plugins = unaryClient(channel, inventoryV1Grpc.PluginService);
      const registered = await plugins.register(
        { plugin_id: 'typed-client', endpoint: 'localhost:1', service_type: inventoryV1Grpc.PluginServiceType.STORAGE, name: 'typed', version: '1', tags },
        { deadlineMs: 20_000, metadata },
      );
      expect(registered).toMatchObject({ plugin_id: 'typed-client', service_type: inventoryV1Grpc.PluginServiceType.STORAGE, tags });
      // the proto-loader client reads what the generated one wrote, and the reverse
      const generic = await system.grpc.call('Plugin', 'get', { plugin_id: 'typed-client' });
      expect(generic).toMatchObject({ service_type: 'STORAGE', tags });
      const typed = await plugins.get({ plugin_id: 'typed-client' }, { deadlineMs: 20_000, metadata });
      expect(typed).toEqual(registered);
      const listed = await plugins.list({ query: undefined, plugin_id: '', service_type: inventoryV1Grpc.PluginServiceType.COLLECTOR }, { deadlineMs: 20_000, metadata });
      expect(listed.results.map((plugin) => [plugin.plugin_id, plugin.service_type])).toEqual([['synthetic', inventoryV1Grpc.PluginServiceType.COLLECTOR]]);
    } finally {
      channel.close();
    }
  });
});
