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
    expect(methods(`${PROTO_PACKAGES.inventoryV1}.${inventoryV1.JOB_SERVICE_NAME}`)).toEqual(['analyze', 'delete', 'get', 'list', 'stat']);
    expect(methods(`${PROTO_PACKAGES.inventoryPlugin}.${inventoryPlugin.COLLECTOR_SERVICE_NAME}`)).toEqual(['collect', 'init', 'verify']);
    expect(methods(`${PROTO_PACKAGES.inventoryPlugin}.${inventoryPlugin.STORAGE_SERVICE_NAME}`)).toEqual(['export', 'init', 'verify']);
    expect(methods(`${PROTO_PACKAGES.secretV1}.${secretV1.SECRET_SERVICE_NAME}`)).not.toContain('get_data');
  });

  it('keeps Cloudforet field numbers where clients depend on them', () => {
    const all = protoLoader.loadSync(PROTO_FILES.inventoryV1.map((file) => join(root, file)), { keepCase: true, includeDirs: [root] });
    const jobInfo = (all['spaceone.api.inventory.v1.JobInfo'] as { type: { field: { name: string; number: number }[] } }).type.field;
    const numbers = Object.fromEntries(jobInfo.map((f) => [f.name, f.number]));
    expect(numbers).toMatchObject({ job_id: 1, status: 2, total_tasks: 4, remained_tasks: 5, collector_id: 23, finished_at: 33 });
  });
});
