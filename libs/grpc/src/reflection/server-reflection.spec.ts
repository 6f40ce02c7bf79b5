import { status } from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { reflectionV1 } from '@cloud-inventory/proto';
import { ServerReflection } from './server-reflection';

const INVENTORY_SERVICES = ['grpc.health.v1.Health', 'spaceone.api.inventory.v1.Collector', 'spaceone.api.inventory.v1.Job'];
const PLUGIN_SERVICES = ['grpc.health.v1.Health', 'spaceone.api.inventory.plugin.Collector', 'spaceone.api.inventory.plugin.Job'];

const ask = (reflection: ServerReflection, query: Partial<reflectionV1.ServerReflectionRequest>, sent?: Set<string>) =>
  reflection.answer({ host: 'localhost', ...query }, sent);

/** The names of the files in an answer, as a client decodes them. */
const fileNames = (answer: reflectionV1.ServerReflectionResponse) =>
  (answer.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);

describe('ServerReflection (answers from the buf descriptor set)', () => {
  const inventory = new ServerReflection(INVENTORY_SERVICES);
  const plugin = new ServerReflection(PLUGIN_SERVICES);

  it('lists the services it was given, echoing host and request', () => {
    const answer = ask(inventory, { list_services: '*' });
    expect(answer.list_services_response?.service.map((s) => s.name)).toEqual(INVENTORY_SERVICES);
    expect(answer.valid_host).toBe('localhost');
    expect(answer.original_request).toMatchObject({ list_services: '*' });
  });

  it('answers a symbol with its real file first, then its imports, each once per stream', () => {
    const sent = new Set<string>();
    const first = fileNames(ask(inventory, { file_containing_symbol: 'spaceone.api.inventory.v1.Collector' }, sent));
    expect(first[0]).toBe('spaceone/api/inventory/v1/collector.proto');
    expect(first).toEqual(expect.arrayContaining(['google/api/annotations.proto', 'google/api/http.proto', 'google/protobuf/descriptor.proto', 'google/protobuf/struct.proto', 'spaceone/api/core/v2/query.proto']));
    expect(new Set(first).size).toBe(first.length);
    // the same stream asking again gets the file, not the imports it already has
    expect(fileNames(ask(inventory, { file_containing_symbol: 'spaceone.api.inventory.v1.Collector.list' }, sent))).toEqual(['spaceone/api/inventory/v1/collector.proto']);
    expect(fileNames(ask(inventory, { file_containing_symbol: 'spaceone.api.inventory.v1.Job' }, sent))).toEqual(['spaceone/api/inventory/v1/job.proto']);
  });

  it.each([
    ['a method', 'spaceone.api.inventory.v1.Collector.create', 'spaceone/api/inventory/v1/collector.proto'],
    ['a message', 'spaceone.api.inventory.v1.CollectorInfo', 'spaceone/api/inventory/v1/collector.proto'],
    ['a field', 'spaceone.api.inventory.v1.CollectorInfo.collector_id', 'spaceone/api/inventory/v1/collector.proto'],
    ['a well-known type', 'google.protobuf.Struct', 'google/protobuf/struct.proto'],
    ['an enum', 'google.protobuf.NullValue', 'google/protobuf/struct.proto'],
    ['an enum value', 'google.protobuf.NULL_VALUE', 'google/protobuf/struct.proto'],
    ['a nested enum', 'grpc.health.v1.HealthCheckResponse.ServingStatus', 'grpc/health/v1/health.proto'],
    ['an extension', 'google.api.http', 'google/api/annotations.proto'],
    ['the reflection service', 'grpc.reflection.v1alpha.ServerReflection', 'grpc/reflection/v1alpha/reflection.proto'],
    ['a leading dot', '.google.protobuf.Value', 'google/protobuf/struct.proto'],
  ])('finds the file of %s', (_kind, symbol, file) => {
    expect(fileNames(ask(inventory, { file_containing_symbol: symbol }))[0]).toBe(file);
  });

  it('serves files by their real names, the well-known types included', () => {
    expect(fileNames(ask(plugin, { file_by_filename: 'google/protobuf/struct.proto' }))).toEqual(['google/protobuf/struct.proto']);
    const collector = fileNames(ask(plugin, { file_by_filename: 'spaceone/api/inventory/plugin/collector.proto' }));
    expect(collector[0]).toBe('spaceone/api/inventory/plugin/collector.proto');
    expect([...collector].sort()).toEqual(['google/protobuf/empty.proto', 'google/protobuf/struct.proto', 'spaceone/api/inventory/plugin/collector.proto']);
  });

  it('keeps google.api.http on the methods, as the extension it is', () => {
    const [bytes] = ask(inventory, { file_by_filename: 'spaceone/api/inventory/v1/collector.proto' }).file_descriptor_response!.file_descriptor_proto;
    const file = fromBinary(FileDescriptorProtoSchema, bytes);
    const create = file.service[0].method.find((method) => method.name === 'create')!;
    // field 72295728 of MethodOptions, kept as the bytes buf wrote
    expect(create.options?.$unknown?.map((field) => field.no)).toContain(72295728);
    expect(fileNames(ask(inventory, { file_containing_extension: { containing_type: 'google.protobuf.MethodOptions', extension_number: 72295728 } }))[0]).toBe(
      'google/api/annotations.proto',
    );
    expect(ask(inventory, { all_extension_numbers_of_type: 'google.protobuf.MethodOptions' }).all_extension_numbers_response).toEqual({
      base_type_name: 'google.protobuf.MethodOptions',
      extension_number: [72295728],
    });
    expect(ask(inventory, { all_extension_numbers_of_type: 'google.protobuf.Struct' }).all_extension_numbers_response?.extension_number).toEqual([]);
  });

  it.each([
    ['an unknown symbol', { file_containing_symbol: 'spaceone.api.inventory.v1.Nope' }, 'Symbol not found: spaceone.api.inventory.v1.Nope'],
    ['an unknown file', { file_by_filename: 'spaceone_api_inventory_v1.proto' }, 'File not found: spaceone_api_inventory_v1.proto'],
    ['an unknown extension', { file_containing_extension: { containing_type: 'google.protobuf.MethodOptions', extension_number: 1 } }, 'Extension not found'],
    ['the extensions of an unknown type', { all_extension_numbers_of_type: 'nope.Nope' }, 'Type not found: nope.Nope'],
  ])('answers %s with NOT_FOUND', (_case, query, message) => {
    const answer = ask(inventory, query);
    expect(answer.error_response?.error_code).toBe(status.NOT_FOUND);
    expect(answer.error_response?.error_message).toContain(message);
    expect(answer.file_descriptor_response).toBeUndefined();
  });

  it("describes only what its own services need: a plugin serves none of the inventory's API", () => {
    expect(ask(plugin, { file_containing_symbol: 'spaceone.api.inventory.v1.Collector' }).error_response?.error_code).toBe(status.NOT_FOUND);
    expect(ask(plugin, { file_by_filename: 'google/api/annotations.proto' }).error_response?.error_code).toBe(status.NOT_FOUND);
  });

  it('answers an empty request with INVALID_ARGUMENT', () => {
    expect(ask(inventory, {}).error_response?.error_code).toBe(status.INVALID_ARGUMENT);
  });

  it('refuses to start for a service the descriptor set does not declare', () => {
    expect(() => new ServerReflection(['spaceone.api.inventory.v1.Nothing'])).toThrow(/spaceone.api.inventory.v1.Nothing is declared in none of the \d+ files/);
  });
});
