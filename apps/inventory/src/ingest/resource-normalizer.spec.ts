import { FailedItem, ResourceItem } from './ingest-item';
import { resourceInfoFrame } from '../testing/resource-frames';
import { normalizeResource as normalizeIn } from './resource-normalizer';

const SCOPE = { domain_id: 'domain-1', workspace_id: 'ws-1' };
const normalizeResource = (info: Parameters<typeof resourceInfoFrame>[0], redact: (t: string) => string) =>
  normalizeIn(resourceInfoFrame(info), SCOPE, redact);

const RULES = { '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'] };
const keep = (text: string) => text;

function info(resource: Record<string, unknown>, extra: Parameters<typeof resourceInfoFrame>[0] = {}): Parameters<typeof resourceInfoFrame>[0] {
  return { state: 'SUCCESS', resource_type: 'inventory.CloudService', match_rules: RULES, resource, ...extra };
}

const vm = {
  name: 'web-1',
  provider: 'aws',
  account: '123',
  cloud_service_group: 'EC2',
  cloud_service_type: 'Instance',
  instance_size: 2,
  ip_addresses: ['10.0.0.1'],
  reference: { resource_id: 'i-1', external_link: 'https://console/i-1' },
  data: { os: 'linux' },
  tags: [{ key: 'env', value: 'prod' }],
};

describe('normalizeResource', () => {
  it('turns a Cloudforet CloudService into a row with its identity and content hash', () => {
    const item = normalizeResource(info(vm), keep) as ResourceItem;
    expect(item.kind).toBe('cloud_service');
    expect(JSON.parse(JSON.stringify(item.row))).toMatchObject({ name: 'web-1', instance_size: 2, tags: { env: 'prod' }, data: { os: 'linux' }, region_code: '' });
    expect(item.identity).toMatch(/^[0-9a-f]{32}$/);
    expect(item.contentHash).not.toEqual((normalizeResource(info({ ...vm, name: 'web-2' }), keep) as ResourceItem).contentHash);
    // the hash is over the resource as encoded, and the bytes go on to the storage plugin as they are
    expect(item.contentHash).toEqual((normalizeResource(info(structuredClone(vm)), keep) as ResourceItem).contentHash);
    expect(item.source).toBeInstanceOf(Buffer);
  });

  it('reads json_data and json_metadata, as AWS plugins send them', () => {
    const item = normalizeResource(info({ ...vm, data: undefined, json_data: '{"a":{"b":1}}', json_metadata: '{"view":[]}' }), keep) as ResourceItem;
    expect(JSON.parse(JSON.stringify(item.row['data']))).toEqual({ a: { b: 1 } });
    expect(JSON.parse(JSON.stringify(item.row['metadata']))).toEqual({ view: [] });
  });

  it.each([
    [{ ...vm, cloud_service_type: '' }, 'ERROR_REQUIRED_PARAMETER', 'key = cloud_service_type'],
    [{ ...vm, instance_size: 'large' }, 'ERROR_INVALID_PARAMETER_TYPE', 'key = instance_size'],
    [{ ...vm, tags: 'env=prod' }, 'ERROR_INVALID_PARAMETER_TYPE', 'key = tags'],
    [{ ...vm, json_data: '{broken' }, 'ERROR_INVALID_PARAMETER_TYPE', 'key = json_data'],
    [{ ...vm, ip_addresses: [1] }, 'ERROR_INVALID_PARAMETER_TYPE', 'key = ip_addresses'],
    [{ ...vm, reference: {} }, 'ERROR_MATCH_RULE', 'No match rule can be applied'],
  ])('rejects an invalid resource with a failure that says why (%#)', (resource, code, message) => {
    const item = normalizeResource(info(resource), keep) as FailedItem;
    expect(item.kind).toBe('failure');
    expect(item.error.error_code).toBe(code);
    expect(item.error.message).toContain(message);
    expect(item.error.additional).toMatchObject({ resource_type: 'inventory.CloudService', provider: 'aws' });
  });

  it('keeps a plugin ErrorResource (or any FAILURE) as ERROR_PLUGIN with its message, redacted', () => {
    const item = normalizeResource(
      info({ resource_type: 'inventory.CloudService', provider: 'aws', cloud_service_group: 'S3' }, {
        state: 'FAILURE',
        resource_type: 'inventory.ErrorResource',
        message: 'AccessDenied for key AKIASECRET',
      }),
      (text) => text.replace('AKIASECRET', '***'),
    ) as FailedItem;
    expect(item.error).toEqual({
      error_code: 'ERROR_PLUGIN',
      message: 'AccessDenied for key ***',
      additional: { resource_type: 'inventory.CloudService', provider: 'aws', cloud_service_group: 'S3' },
    });
  });

  it('refuses resource types it does not store, and resources without match rules', () => {
    expect((normalizeResource(info(vm, { resource_type: 'inventory.Note' }), keep) as FailedItem).error.error_code).toBe(
      'ERROR_UNSUPPORTED_RESOURCE_TYPE',
    );
    const { match_rules: _none, ...withoutRules } = info(vm);
    expect((normalizeResource(withoutRules, keep) as FailedItem).error).toMatchObject({
      error_code: 'ERROR_MATCH_RULE',
      message: 'Match rule is not defined.',
    });
  });

  it('stores regions and cloud service types under their own kinds', () => {
    const region = normalizeResource(
      info({ name: 'Seoul', region_code: 'ap-northeast-2', provider: 'aws' }, { resource_type: 'inventory.Region', match_rules: { '1': ['provider', 'region_code'] } }),
      keep,
    ) as ResourceItem;
    expect(region).toMatchObject({ kind: 'region', row: { region_code: 'ap-northeast-2' } });
    const type = normalizeResource(
      info({ name: 'Instance', group: 'EC2', provider: 'aws', is_primary: true }, { resource_type: 'inventory.CloudServiceType', match_rules: { '1': ['name', 'group', 'provider'] } }),
      keep,
    ) as ResourceItem;
    expect(type).toMatchObject({ kind: 'cloud_service_type', row: { is_primary: true, is_major: false, labels: [] } });
  });

  it('refuses a namespace or metric without its id or version, as a failure of that resource only', () => {
    const namespace = { resource_type: 'inventory.Namespace', match_rules: {}, resource: { namespace_id: 'ns-1', name: 'N', resource_type: 'inventory.CloudService' } };
    expect(normalizeResource(namespace, keep)).toMatchObject({
      kind: 'failure',
      error: { error_code: 'ERROR_REQUIRED_PARAMETER', message: expect.stringContaining('version') },
    });
    const metric = { resource_type: 'inventory.Metric', match_rules: {}, resource: { name: 'M', resource_type: 'inventory.CloudService', query_options: {}, version: '1' } };
    expect(normalizeResource(metric, keep)).toMatchObject({
      kind: 'failure',
      error: { error_code: 'ERROR_REQUIRED_PARAMETER', message: expect.stringContaining('metric_id') },
    });
    const complete = normalizeResource({ ...namespace, resource: { ...namespace.resource, version: '1.0' } }, keep);
    expect(complete).toMatchObject({ kind: 'namespace', id: 'ns-1' });
  });
});
