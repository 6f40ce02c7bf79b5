import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_FILES, PROTO_PACKAGES, protoRoot } from './proto-files';
import { inventoryPlugin, inventoryV1, secretV1 } from './index';

describe('the .proto contract', () => {
  const root = protoRoot();

  it('lists files that exist', () => {
    for (const file of Object.values(PROTO_FILES).flat()) expect(existsSync(join(root, file))).toBe(true);
  });

  it('loads, and defines every service the generated code names, with the same methods', () => {
    const all = protoLoader.loadSync(
      Object.values(PROTO_FILES).flat().map((file) => join(root, file)),
      { keepCase: true, includeDirs: [root] },
    );
    const methods = (service: string) => Object.keys(all[service] as object).sort();
    expect(methods(`${PROTO_PACKAGES.inventoryV1}.${inventoryV1.JOB_SERVICE_NAME}`)).toEqual(['analyze', 'cancel', 'delete', 'get', 'list', 'stat']);
    expect(methods(`${PROTO_PACKAGES.inventoryPlugin}.${inventoryPlugin.COLLECTOR_SERVICE_NAME}`)).toEqual(['collect', 'init', 'verify']);
    expect(methods(`${PROTO_PACKAGES.inventoryPlugin}.${inventoryPlugin.STORAGE_SERVICE_NAME}`)).toEqual(['export', 'init', 'verify']);
    expect(methods(`${PROTO_PACKAGES.secretV1}.${secretV1.SECRET_SERVICE_NAME}`)).not.toContain('get_data');
    const inventory = (service: string) => methods(`${PROTO_PACKAGES.inventoryV1}.${service}`);
    const crud = ['create', 'delete', 'get', 'list', 'stat', 'update'];
    expect(inventory(inventoryV1.NAMESPACE_SERVICE_NAME)).toEqual(crud);
    expect(inventory(inventoryV1.METRIC_SERVICE_NAME)).toEqual(['create', 'delete', 'get', 'list', 'run', 'stat', 'test', 'update']);
    expect(inventory(inventoryV1.METRIC_DATA_SERVICE_NAME)).toEqual(['analyze', 'list', 'stat']);
    expect(inventory(inventoryV1.METRIC_EXAMPLE_SERVICE_NAME)).toEqual(crud);
    expect(inventory(inventoryV1.CHANGE_HISTORY_SERVICE_NAME)).toEqual(['list', 'stat']);
    expect(inventory(inventoryV1.CLOUD_SERVICE_TYPE_SERVICE_NAME)).toEqual(crud);
    expect(inventory(inventoryV1.REGION_SERVICE_NAME)).toEqual(crud);
  });

  it('routes every inventory RPC as Cloudforet does: POST /inventory/v1/<resource>/<verb>, body "*"', () => {
    const json = protoLoader.loadSync(PROTO_FILES.inventoryV1.map((file) => join(root, file)), { keepCase: true, includeDirs: [root] });
    const routes: Record<string, string> = {};
    for (const [name, definition] of Object.entries(json)) {
      if (!name.startsWith(`${PROTO_PACKAGES.inventoryV1}.`) || 'format' in definition || 'type' in definition) continue;
      for (const [method, rpc] of Object.entries(definition as Record<string, { options: Record<string, unknown> }>)) {
        const http = rpc.options['(google.api.http)'] as { post: string; body: string };
        expect(http.body).toBe('*');
        routes[`${name.slice(PROTO_PACKAGES.inventoryV1.length + 1)}.${method}`] = http.post;
      }
    }
    expect(routes).toMatchObject({
      'Namespace.create': '/inventory/v1/namespace/create',
      'Metric.run': '/inventory/v1/metric/run',
      'Metric.test': '/inventory/v1/metric/test',
      'MetricData.analyze': '/inventory/v1/metric-data/analyze',
      'MetricExample.update': '/inventory/v1/metric-example/update',
      'ChangeHistory.list': '/inventory/v1/change-history/list',
      'ChangeHistory.stat': '/inventory/v1/change-history/stat',
    });
  });

  it('keeps Cloudforet field numbers where clients depend on them', () => {
    const all = protoLoader.loadSync(PROTO_FILES.inventoryV1.map((file) => join(root, file)), { keepCase: true, includeDirs: [root] });
    const jobInfo = (all['spaceone.api.inventory.v1.JobInfo'] as { type: { field: { name: string; number: number }[] } }).type.field;
    const numbers = Object.fromEntries(jobInfo.map((f) => [f.name, f.number]));
    expect(numbers).toMatchObject({ job_id: 1, status: 2, total_tasks: 4, remained_tasks: 5, collector_id: 23, finished_at: 33 });
  });

  it('keeps the field numbers, types and enums of the resource model (issue 13) as Cloudforet has them', () => {
    const all = protoLoader.loadSync(PROTO_FILES.inventoryV1.map((file) => join(root, file)), { keepCase: true, includeDirs: [root] });
    // type names without their package (proto-loader writes them as the .proto refers to them)
    type Field = { name: string; number: number; type: string; typeName: string; label: string };
    const fields = (message: string) =>
      Object.fromEntries(
        (all[`${PROTO_PACKAGES.inventoryV1}.${message}`] as { type: { field: Field[] } }).type.field.map((f) => [
          f.name,
          `${f.number} ${f.label === 'LABEL_REPEATED' ? 'repeated ' : ''}${f.typeName.split('.').pop() || f.type.replace(/^TYPE_/, '').toLowerCase()}`,
        ]),
      );
    expect(fields('CreateNamespaceRequest')).toMatchObject({ namespace_id: '1 string', tags: '7 Struct', resource_group: '20 ResourceGroup', workspace_id: '21 string' });
    expect(fields('NamespaceQuery')).toMatchObject({ is_managed: '6 string', workspace_id: '21 string' });
    expect(fields('NamespaceInfo')).toMatchObject({ is_managed: '8 bool', resource_group: '20 ResourceGroup', workspace_id: '22 string', updated_at: '32 string' });
    expect(fields('CreateMetricRequest')).toMatchObject({ metric_type: '3 MetricType', query_options: '5 AnalyzeQuery', namespace_id: '9 string' });
    expect(fields('MetricQuery')).toMatchObject({ is_managed: '5 string', workspace_id: '21 string', namespace_id: '22 string' });
    expect(fields('MetricInfo')).toMatchObject({ labels_info: '9 repeated Struct', is_managed: '10 bool', namespace_id: '23 string' });
    expect(fields('MetricTestRequest')).toEqual({ metric_id: '1 string', query_options: '2 AnalyzeQuery' });
    expect(fields('MetricDataInfo')).toMatchObject({ value: '2 float', labels: '4 Struct', namespace_id: '25 string', created_date: '33 string' });
    expect(fields('MetricDataAnalyzeQuery')).toEqual({ query: '1 TimeSeriesAnalyzeQuery', metric_id: '2 string' });
    expect(fields('MetricExampleInfo')).toMatchObject({ user_id: '22 string', metric_id: '23 string', namespace_id: '24 string' });
    expect(fields('RecordInfo')).toMatchObject({ action: '2 RecordAction', diff: '3 ListValue', diff_count: '4 int32', updated_by: '5 string', cloud_service_id: '22 string', user_id: '25 string' });
    expect(fields('ChangeHistoryQuery')).toMatchObject({ cloud_service_id: '2 string', action: '3 RecordAction', updated_by: '7 string' });
    expect(fields('ChangeHistoryStatQuery')).toEqual({ query: '1 StatisticsQuery', cloud_service_id: '3 string' });

    type EnumDescriptor = { name: string; value: { name: string; number: number }[] };
    const numbered = (values: EnumDescriptor['value']) => Object.fromEntries(values.map((v) => [v.name, v.number]));
    const nested = (message: string, enumName: string) =>
      numbered((all[message] as { type: { enumType: EnumDescriptor[] } }).type.enumType.find((e) => e.name === enumName)!.value);
    expect(numbered((all[`${PROTO_PACKAGES.inventoryV1}.MetricType`] as { type: EnumDescriptor }).type.value)).toEqual({ METRIC_TYPE_NONE: 0, COUNTER: 1, GAUGE: 2 });
    for (const message of ['RecordInfo', 'ChangeHistoryQuery']) {
      expect(nested(`${PROTO_PACKAGES.inventoryV1}.${message}`, 'RecordAction')).toEqual({ NONE: 0, CREATE: 1, UPDATE: 2, DELETE: 3 });
    }
    expect(nested('spaceone.api.core.v2.TimeSeriesAnalyzeQuery', 'Granularity')).toEqual({ GRANULARITY_NONE: 0, DAILY: 1, MONTHLY: 2, YEARLY: 3 });
  });
});
