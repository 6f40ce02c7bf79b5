import { ProtoJson } from './proto-json';
import { AppError } from './app-error';

describe('ProtoJson', () => {
  const json = ProtoJson.load(['inventoryV1', 'secretV1']);

  it('gives handlers the shape a gRPC request has: defaults, enum names, Structs and Values as JSON', () => {
    const request = json.decode<{ query: { filter: Record<string, unknown>[]; page: unknown } }>('spaceone.api.inventory.v1.JobsQuery', {
      status: 'SUCCESS',
      query: { filter: [{ k: 'status', v: 'FAILURE', o: 'eq' }, { k: 'n', v: [1, { a: null }] }], page: { limit: '10' } },
    });
    expect(request).toMatchObject({ job_id: '', collector_id: '', status: 'SUCCESS' });
    expect(request['query']['filter'][0]).toMatchObject({ k: 'status', v: 'FAILURE', o: 'eq' });
    expect(request['query']['filter'][1]['v']).toEqual([1, { a: null }]);
    expect(request['query']['page']).toEqual({ start: 0, limit: 10 });
  });

  it('keeps Struct fields as the JSON they were', () => {
    const request = json.decode<Record<string, unknown>>('spaceone.api.secret.v1.CreateSecretRequest', {
      name: 'x',
      data: { nested: { list: [1, 'a', true, null] }, empty: {} },
    });
    expect(request['data']).toEqual({ nested: { list: [1, 'a', true, null] }, empty: {} });
  });

  it.each([
    [{ job_id: 5 }, 'job_id must be a string, not a number'],
    [{ status: 'DONE' }, 'status must be one of'],
    [{ extra: 1 }, 'extra is not a field of JobsQuery'],
    [{ query: { page: { start: 1.5 } } }, 'query.page.start must be an integer'],
    [{ query: { filter: {} } }, 'query.filter must be a list'],
    [{ query: { filter: [{ key: 'a', k: 'b' }] } }, 'sets key and k'],
    ['text', 'body must be a JSON object'],
  ])('rejects %j with a message naming the field', (body, message) => {
    expect(() => json.decode('spaceone.api.inventory.v1.JobsQuery', body)).toThrow(AppError);
    expect(() => json.decode('spaceone.api.inventory.v1.JobsQuery', body)).toThrow(message);
  });

  it('refuses "__proto__" and "constructor" as message fields, like any unknown field, at every level', () => {
    for (const body of ['{"__proto__": {"status": "SUCCESS"}}', '{"constructor": 1}', '{"query": {"__proto__": {"page": 1}}}', '{"query": {"page": {"constructor": {}}}}']) {
      expect(() => json.decode('spaceone.api.inventory.v1.JobsQuery', JSON.parse(body))).toThrow(/(__proto__|constructor) is not a field of/);
    }
  });

  it('keeps "__proto__" and "constructor" inside a Struct as plain keys (as the gRPC API and ingest do)', () => {
    const data = JSON.parse('{"__proto__": {"admin": true}, "constructor": "x", "n": {"__proto__": 1}}');
    const request = json.decode<Record<string, unknown>>('spaceone.api.secret.v1.CreateSecretRequest', { name: 'x', data });
    expect(JSON.stringify(request['data'])).toBe(JSON.stringify(data));
    expect((request['data'] as { admin?: boolean }).admin).toBeUndefined();
  });
});
