import { narrowsFields, toProtoShape, toQueryJson } from './proto-shape';
import { inventoryProtoJson } from './proto-http';

const JOB_INFO = 'spaceone.api.inventory.v1.JobInfo';
const COLLECTOR_INFO = 'spaceone.api.inventory.v1.CollectorInfo';

describe('toProtoShape', () => {
  it('completes a full row with the proto3 defaults, and turns NULL times into ""', () => {
    const shaped = toProtoShape(JOB_INFO, { job_id: 'job-1', status: 'SUCCESS', total_tasks: 2, finished_at: null, surprise: 'x' }, true);
    expect(shaped).toMatchObject({ job_id: 'job-1', status: 'SUCCESS', total_tasks: 2, finished_at: '', remained_tasks: 0, resource_group: 'RESOURCE_GROUP_NONE', plugin_id: '' });
    expect(shaped).not.toHaveProperty('surprise');
    expect(Object.keys(shaped)).toHaveLength(inventoryProtoJson().type(JOB_INFO).fieldsArray.length);
  });

  it('keeps only the fields a narrowed row has, each of its proto type', () => {
    expect(toProtoShape(JOB_INFO, { job_id: 'job-1', finished_at: null }, false)).toEqual({ job_id: 'job-1', finished_at: '' });
    expect(toProtoShape(JOB_INFO, { status: 'EXPLODED', total_tasks: 'many', job_id: 7 }, false)).toEqual({});
    expect(
      toProtoShape(COLLECTOR_INFO, { plugin_info: { options: { a: [1, { b: 2 }] }, bogus: 1 }, schedule: { hours: { '0': 5 } }, tags: 'not an object' }, false),
    ).toEqual({ plugin_info: { options: { a: [1, { b: 2 }] } } });
    expect(toProtoShape(COLLECTOR_INFO, { schedule: { hours: [1, 'two', 3] } }, false)).toEqual({ schedule: { hours: [1, 3] } });
  });

  it('tells whether a query narrows the fields', () => {
    expect(narrowsFields(undefined)).toBe(false);
    expect(narrowsFields({ only: [], minimal: false })).toBe(false);
    expect(narrowsFields({ only: ['job_id'] })).toBe(true);
    expect(narrowsFields({ minimal: true })).toBe(true);
  });
});

describe('toQueryJson', () => {
  it('drops the oneof names the proto-loader options add, at every level', () => {
    const decoded = inventoryProtoJson().decode<{ query: object }>('spaceone.api.inventory.v1.JobStatQuery', {
      query: { filter: [{ k: 'status', v: 'SUCCESS', o: 'eq' }], aggregate: [{ group: { keys: [{ k: 'status', n: 's' }], fields: [{ o: 'count', n: 'c' }] } }, { limit: 3 }] },
    });
    const json = toQueryJson('spaceone.api.core.v2.StatisticsQuery', decoded.query)!;
    expect(JSON.stringify(json)).not.toMatch(/_alias/);
    expect(json['aggregate']).toEqual([
      { group: { keys: [{ k: 'status', n: 's', date_format: '' }], fields: [{ o: 'count', n: 'c', fields: [], conditions: [] }] } },
      { limit: 3 },
    ]);
    expect(toQueryJson('spaceone.api.core.v2.Query', null)).toBeUndefined();
  });
});
