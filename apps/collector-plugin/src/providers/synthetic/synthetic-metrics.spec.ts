import { ProtoJson, serviceClientConstructor } from '@cloud-inventory/grpc';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { expectedMessageCounts } from './synthetic-counts';
import { SyntheticTaskSlice, parseSyntheticOptions } from './synthetic-options';
import { syntheticMessages } from './synthetic-stream';
import { JsonRecord } from '@cloud-inventory/testing';

type ResourceInfo = inventoryPlugin.ResourceInfo;
type Resource = JsonRecord;
const ACCOUNT = '123456789012';

function messagesOf(rawOptions: Record<string, unknown>, slice?: SyntheticTaskSlice, driftBucket?: number): ResourceInfo[] {
  return [...syntheticMessages({ options: parseSyntheticOptions(rawOptions), account: ACCOUNT, slice, driftBucket })];
}

function resourcesOf(messages: ResourceInfo[], resourceType: string): Resource[] {
  return messages.filter((message) => message.resource_type === resourceType).map((message) => message.resource as Resource);
}

function valueAt(resource: Resource, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Resource | undefined)?.[key], resource);
}

const DEFAULT_TYPES = ['EC2/Instance', 'S3/Bucket', 'RDS/Database', 'VPC/Subnet', 'IAM/Role'];

describe('synthetic namespaces and metrics', () => {
  it('are off by default: the stream is unchanged', () => {
    const messages = messagesOf({ count: 50 });
    expect(messages.some((message) => ['inventory.Namespace', 'inventory.Metric'].includes(message.resource_type))).toBe(false);
    expect(JSON.stringify(messagesOf({ count: 50, namespaces: false, metrics: false }))).toBe(JSON.stringify(messages));
  });

  it('send one Namespace per mix entry, shaped as the collector SDK dumps its Namespace model', () => {
    const messages = messagesOf({ count: 50, namespaces: true });
    const namespaces = messages.filter((message) => message.resource_type === 'inventory.Namespace');
    expect(namespaces).toHaveLength(5);
    for (const message of namespaces) {
      expect(message).toMatchObject({ state: inventoryPlugin.ResourceInfo_State.SUCCESS, message: '', match_rules: {} });
    }
    expect(namespaces.map((message) => message.resource?.['name'])).toEqual(DEFAULT_TYPES);
    expect(namespaces[0].resource).toEqual({
      namespace_id: 'ns-synthetic-ec2-instance',
      name: 'EC2/Instance',
      category: 'ASSET',
      resource_type: 'inventory.CloudService:synthetic.EC2.Instance',
      group: 'synthetic',
      icon: 'https://icons.synthetic.example/compute.svg',
      tags: {},
      version: '1.0',
    });
    expect(Object.keys(namespaces[0].resource!)).toEqual(['namespace_id', 'name', 'category', 'resource_type', 'group', 'icon', 'tags', 'version']);
  });

  it('send two GAUGE Metrics per mix entry, shaped as the collector SDK dumps its Metric model', () => {
    const metrics = resourcesOf(messagesOf({ count: 50, metrics: true }), 'inventory.Metric');
    expect(metrics.map((metric) => metric['metric_id'])).toEqual(
      ['ec2-instance', 's3-bucket', 'rds-database', 'vpc-subnet', 'iam-role'].flatMap((stem) => [
        `metric-synthetic-${stem}-count`,
        `metric-synthetic-${stem}-running-vcpu`,
      ]),
    );
    expect(metrics[0]).toEqual({
      metric_id: 'metric-synthetic-ec2-instance-count',
      name: 'Instance Count',
      metric_type: 'GAUGE',
      resource_type: 'inventory.CloudService:synthetic.EC2.Instance',
      query_options: {
        group_by: [
          { key: 'region_code', name: 'Region', reference: { resource_type: 'inventory.Region', reference_key: 'region_code' } },
          { key: 'account', name: 'Account' },
          { key: 'instance_type', name: 'Instance Type' },
          { key: 'data.compute.instance_state', name: 'State', default: true },
        ],
        fields: { value: { operator: 'count' } },
      },
      date_field: null,
      unit: 'Count',
      tags: {},
      namespace_id: 'ns-synthetic-ec2-instance',
      version: '1.0',
    });
    expect(metrics[1]).toEqual({
      metric_id: 'metric-synthetic-ec2-instance-running-vcpu',
      name: 'Instance Running vCPU',
      metric_type: 'GAUGE',
      resource_type: 'inventory.CloudService:synthetic.EC2.Instance',
      query_options: {
        filter: [{ key: 'data.compute.instance_state', value: 'RUNNING', operator: 'eq' }],
        group_by: [
          { key: 'region_code', name: 'Region', reference: { resource_type: 'inventory.Region', reference_key: 'region_code' } },
          { key: 'account', name: 'Account' },
        ],
        fields: { value: { key: 'data.hardware.core', operator: 'sum' } },
      },
      date_field: null,
      unit: 'Core',
      tags: {},
      namespace_id: 'ns-synthetic-ec2-instance',
      version: '1.0',
    });
    expect(Object.keys(metrics[0])).toEqual([
      'metric_id', 'name', 'metric_type', 'resource_type', 'query_options', 'date_field', 'unit', 'tags', 'namespace_id', 'version',
    ]);
    const namespaceIds = new Set(resourcesOf(messagesOf({ count: 1, namespaces: true }), 'inventory.Namespace').map((ns) => ns['namespace_id']));
    expect(new Set(metrics.map((metric) => metric['namespace_id']))).toEqual(namespaceIds);
  });

  it('come last, namespaces before metrics, in part 0 only, counted by expectedMessageCounts', () => {
    const raw = { count: 40, tasks: 3, namespaces: true, metrics: true };
    const whole = messagesOf(raw);
    expect(whole.slice(-15).map((message) => message.resource_type)).toEqual([...Array(5).fill('inventory.Namespace'), ...Array(10).fill('inventory.Metric')]);
    expect(whole.slice(-26, -15).every((message) => ['inventory.CloudServiceType', 'inventory.Region'].includes(message.resource_type))).toBe(true);
    const options = parseSyntheticOptions(raw);
    expect(expectedMessageCounts(options)).toMatchObject({ namespaces: 5, metrics: 10, total: 40 + 5 + 6 + 5 + 10 });
    expect(whole).toHaveLength(expectedMessageCounts(options).total);
    for (let part = 0; part < 3; part++) {
      const slice = messagesOf(raw, { part, parts: 3 });
      expect(slice).toHaveLength(expectedMessageCounts(options, { part, parts: 3 }).total);
      expect(resourcesOf(slice, 'inventory.Metric')).toHaveLength(part === 0 ? 10 : 0);
      expect(resourcesOf(slice, 'inventory.Namespace')).toHaveLength(part === 0 ? 5 : 0);
    }
    const withoutTypes = messagesOf({ count: 10, include_types: false, metrics: true });
    expect(withoutTypes.map((message) => message.resource_type)).toEqual([...Array(10).fill('inventory.CloudService'), ...Array(10).fill('inventory.Metric')]);
  });

  it('leave every other message as it was', () => {
    const plain = messagesOf({ count: 60, invalid: 2, error_resources: 2 }).map((message) => JSON.stringify(message));
    const withMetrics = messagesOf({ count: 60, invalid: 2, error_resources: 2, namespaces: true, metrics: true });
    expect(withMetrics.slice(0, plain.length).map((message) => JSON.stringify(message))).toEqual(plain);
  });

  it('carry metrics_version as every version, and nothing else changes with it', () => {
    const strip = (messages: ResourceInfo[]) => JSON.stringify(messages.map((message) => ({ ...message, resource: { ...message.resource, version: undefined } })));
    const v1 = messagesOf({ count: 10, namespaces: true, metrics: true });
    const v2 = messagesOf({ count: 10, namespaces: true, metrics: true, metrics_version: '1.1' });
    const versions = (messages: ResourceInfo[]) =>
      [...resourcesOf(messages, 'inventory.Namespace'), ...resourcesOf(messages, 'inventory.Metric')].map((resource) => resource['version']);
    expect(versions(v1)).toEqual(Array(15).fill('1.0'));
    expect(versions(v2)).toEqual(Array(15).fill('1.1'));
    expect(strip(v2)).toBe(strip(v1));
  });

  it('follow the mix and the provider', () => {
    const raw = { count: 5, include_types: false, namespaces: true, metrics: true, provider: 'My Cloud', mix: [{ cloud_service_group: 'Compute Engine', cloud_service_type: 'VM' }] };
    const [namespace, count, vcpu] = messagesOf(raw).slice(5).map((message) => message.resource as Resource);
    expect(namespace).toMatchObject({
      namespace_id: 'ns-my-cloud-compute-engine-vm',
      name: 'Compute Engine/VM',
      resource_type: 'inventory.CloudService:My Cloud.Compute Engine.VM',
      group: 'My Cloud',
      icon: 'https://icons.synthetic.example/synthetic.svg',
    });
    expect([count['metric_id'], vcpu['metric_id']]).toEqual(['metric-my-cloud-compute-engine-vm-count', 'metric-my-cloud-compute-engine-vm-running-vcpu']);
    expect(count['name']).toBe('VM Count');
  });

  it('have queries that make sense against the synthetic cloud services of their type', () => {
    for (const driftBucket of [0, 1]) {
      const messages = messagesOf({ count: 500, metrics: true, drift_every_seconds: 60, change_every: 3 }, undefined, driftBucket);
      const cloudServices = resourcesOf(messages, 'inventory.CloudService');
      for (const metric of resourcesOf(messages, 'inventory.Metric')) {
        const [provider, group, type] = (metric['resource_type'] as string).split(':')[1].split('.');
        const ofType = cloudServices.filter(
          (cs) => cs['provider'] === provider && cs['cloud_service_group'] === group && cs['cloud_service_type'] === type,
        );
        expect(ofType.length).toBeGreaterThan(0);
        const query = metric['query_options'];
        const matching = ofType.filter((cs) =>
          (query.filter ?? []).every((f: { key: string; value: unknown; operator: string }) => f.operator === 'eq' && valueAt(cs, f.key) === f.value),
        );
        for (const cs of matching) {
          for (const { key } of query.group_by) expect(['string', 'number']).toContain(typeof valueAt(cs, key));
        }
        const value = query.fields.value;
        if (value.operator === 'count') {
          expect(matching).toHaveLength(ofType.length);
        } else {
          expect(value.operator).toBe('sum');
          const running = ofType.filter((cs) => cs['data'].compute.instance_state === 'RUNNING');
          expect(matching).toEqual(running);
          for (const cs of matching) expect(typeof valueAt(cs, value.key)).toBe('number');
          // drift stops a third of them in odd buckets, so the running vCPU moves with the bucket
          if (driftBucket === 1) expect(running.length).toBeLessThan(ofType.length);
          else expect(running).toHaveLength(ofType.length);
        }
      }
    }
  });
});

describe('synthetic namespaces and metrics on the wire', () => {
  const collect = (serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector') as unknown as {
    service: Record<string, { responseSerialize(value: unknown): Buffer; responseDeserialize(buffer: Buffer): ResourceInfo }>;
  }).service['collect'];
  const inventory = ProtoJson.load(['inventoryV1']);

  /** What the inventory reads from a collect stream: the message through grpc-js' codec. */
  function overTheWire(rawOptions: Record<string, unknown>, resourceType: string): Resource[] {
    return messagesOf(rawOptions)
      .filter((message) => message.resource_type === resourceType)
      .map((message) => {
        const decoded = collect.responseDeserialize(collect.responseSerialize(message));
        expect(decoded).toEqual({ ...message, options: null });
        return decoded.resource as Resource;
      });
  }

  it('a Namespace decodes to a create request of Cloudforet’s Namespace service plus its version', () => {
    for (const resource of overTheWire({ count: 1, namespaces: true }, 'inventory.Namespace')) {
      const { version, ...fields } = resource;
      expect(version).toBe('1.0');
      const request = inventory.decode<Resource>('spaceone.api.inventory.v1.CreateNamespaceRequest', fields);
      expect(request).toMatchObject({ ...fields, resource_group: 'RESOURCE_GROUP_NONE', workspace_id: '' });
      expect(['ASSET', 'SECURITY', 'INFORMATION', 'RECOMMENDATION']).toContain(request['category']);
      expect((request['resource_type'] as string).split(':')[1].split('.')).toHaveLength(3);
    }
  });

  it('a Metric decodes to a create request of Cloudforet’s Metric service (query_options an AnalyzeQuery) plus its version', () => {
    const metrics = overTheWire({ count: 1, metrics: true }, 'inventory.Metric');
    expect(metrics).toHaveLength(10);
    for (const resource of metrics) {
      const { version, ...fields } = resource;
      expect(version).toBe('1.0');
      // null, as the SDK dumps an unset date_field; JSON null reads as the proto3 default
      expect(fields['date_field']).toBeNull();
      const request = inventory.decode<Resource>('spaceone.api.inventory.v1.CreateMetricRequest', fields);
      expect(request['date_field']).toBe('');
      expect(request['metric_type']).toBe('GAUGE');
      expect(request).toMatchObject({ metric_id: fields['metric_id'], namespace_id: fields['namespace_id'], unit: fields['unit'], resource_type: fields['resource_type'] });
      const query = request['query_options'] as Resource;
      expect(query['group_by']).toEqual(fields['query_options'].group_by);
      expect(query['fields']).toEqual(fields['query_options'].fields);
      expect(query['filter']).toHaveLength((fields['query_options'].filter ?? []).length);
      for (const filter of query['filter'] as Resource[]) {
        expect(filter).toMatchObject({ key: 'data.compute.instance_state', value: 'RUNNING', operator: 'eq' });
      }
    }
  });
});
