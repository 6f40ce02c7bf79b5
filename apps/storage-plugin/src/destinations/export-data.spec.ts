import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { parseExportData } from './export-data';

function invalid(data: unknown): string {
  try {
    parseExportData(data);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    return (error as AppError).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

const batch = { kind: 'resources', job_id: 'job-1', job_task_id: 'job-task-1', collector_id: 'collector-1', domain_id: 'domain-1', resource_type: 'inventory.CloudService', resources: [{ name: 'a' }] };

describe('parseExportData', () => {
  it('reads a resources batch and a job_finished message, optional context as null', () => {
    expect(parseExportData(batch)).toEqual(batch);
    expect(parseExportData({ kind: 'job_finished', job_id: 'job-1' })).toEqual({
      kind: 'job_finished', job_id: 'job-1', collector_id: null, domain_id: null, status: null,
    });
    expect(parseExportData({ ...batch, resources: [] })).toMatchObject({ resources: [] });
  });

  it('requires data and a known kind', () => {
    expect(invalid(undefined)).toMatch(/^data is required/);
    expect(invalid({ job_id: 'job-1' })).toMatch(/data\.kind is required/);
    expect(invalid({ ...batch, kind: 'rows' })).toMatch(/data\.kind "rows" is not known.*resources, job_finished/);
  });

  it.each([
    ['job_id', undefined, /data\.job_id is required/],
    ['job_id', '../etc', /data\.job_id must be/],
    ['job_id', '.', /data\.job_id must be/],
    ['job_id', 'a/b', /data\.job_id must be/],
    ['job_id', 'x'.repeat(129), /data\.job_id must be/],
    ['job_id', 42, /data\.job_id must be/],
    ['resource_type', '', /data\.resource_type is required/],
    ['resource_type', '_manifest', /data\.resource_type must be/],
    ['resource_type', 'inventory/CloudService', /data\.resource_type must be/],
    ['collector_id', 7, /data\.collector_id must be a string/],
    ['resources', undefined, /data\.resources is required/],
    ['resources', { name: 'a' }, /data\.resources must be an array of objects/],
    ['resources', [{ name: 'a' }, 'b'], /data\.resources\[1\] must be an object/],
    ['resources', [{ name: 'a' }, [1]], /data\.resources\[1\] must be an object/],
  ])('rejects data.%s = %j', (field, value, message) => {
    expect(invalid({ ...batch, [field]: value })).toMatch(message);
  });

  it('checks job_finished fields too', () => {
    expect(invalid({ kind: 'job_finished', job_id: '..' })).toMatch(/data\.job_id must be/);
    expect(invalid({ kind: 'job_finished', job_id: 'job-1', status: 1 })).toMatch(/data\.status must be a string/);
  });
});
