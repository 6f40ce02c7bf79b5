import { jobSchema } from '../testing/sample-tables';
import { compileAnalyze } from './analyze-compiler';
import { QueryError } from './query-error';
import { Queryable, runAnalyze, runSearch, runStat, toResultObject } from './query-runner';
import { compileSearch } from './search-compiler';
import { compileStat } from './stat-compiler';

const SCOPE = { domain_id: 'domain-1' };

/** A fake database answering count statements with `total` and others with `rows`; records what it ran. */
function fakeDb(rows: Record<string, unknown>[], total: unknown, shape: 'pg' | 'typeorm' = 'pg') {
  const ran: string[] = [];
  const db: Queryable = {
    query: async (text: string) => {
      ran.push(text);
      const result = text.includes('count(*) AS total') ? [{ total }] : rows;
      return shape === 'pg' ? { rows: result } : result;
    },
  };
  return { db, ran };
}

describe('toResultObject', () => {
  it('nests dotted paths, converts types, and leaves out missing JSON sub-paths', () => {
    const object = toResultObject(
      { c0: '12', c1: '3.50', c2: new Date('2024-01-02T03:04:05.006Z'), c3: null, c4: null, c5: { a: 1 }, c6: 'x' },
      [
        { alias: 'c0', path: ['count'], type: 'int', omitNull: false },
        { alias: 'c1', path: ['avg'], type: 'numeric', omitNull: false },
        { alias: 'c2', path: ['created_at'], type: 'timestamptz', omitNull: false },
        { alias: 'c3', path: ['finished_at'], type: 'timestamptz', omitNull: false },
        { alias: 'c4', path: ['data', 'missing'], type: 'jsonb', omitNull: true },
        { alias: 'c5', path: ['data', 'compute'], type: 'jsonb', omitNull: true },
        { alias: 'c6', path: ['collection_info', 'collector_id'], type: 'text', omitNull: false },
      ],
    );
    expect(object).toEqual({
      count: 12,
      avg: 3.5,
      created_at: '2024-01-02T03:04:05.006Z',
      finished_at: null,
      data: { compute: { a: 1 } },
      collection_info: { collector_id: 'x' },
    });
  });

  it('writes below a jsonb value without changing the value read from the database', () => {
    const data = { disks: [1, 2], os: 'linux' };
    const object = toResultObject({ c0: data, c1: 7 }, [
      { alias: 'c0', path: ['data'], type: 'jsonb', omitNull: false },
      { alias: 'c1', path: ['data', 'disks'], type: 'jsonb', omitNull: true },
    ]);
    expect(object).toEqual({ data: { disks: 7, os: 'linux' } });
    expect(data.disks).toEqual([1, 2]);
  });

  it('keeps a __proto__ name as a plain key', () => {
    const object = toResultObject({ c0: 1 }, [{ alias: 'c0', path: ['__proto__', 'x'], type: 'int', omitNull: false }]);
    expect(Object.keys(object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(object))).toEqual(JSON.parse('{"__proto__":{"x":1}}'));
  });
});

describe('runners', () => {
  it('runSearch returns results and total_count from pg-shaped and TypeORM-shaped results', async () => {
    const compiled = compileSearch(jobSchema, { only: ['job_id'] }, SCOPE);
    for (const shape of ['pg', 'typeorm'] as const) {
      const { db } = fakeDb([{ c0: 'job-1', c1: new Date(0) }], '41', shape);
      await expect(runSearch(db, compiled)).resolves.toEqual({
        results: [{ job_id: 'job-1', created_at: '1970-01-01T00:00:00.000Z' }],
        total_count: 41,
      });
    }
  });

  it('runSearch with count_only runs only the count', async () => {
    const { db, ran } = fakeDb([{ c0: 'job-1' }], 3);
    await expect(runSearch(db, compileSearch(jobSchema, { count_only: true }, SCOPE))).resolves.toEqual({ results: [], total_count: 3 });
    expect(ran).toHaveLength(1);
  });

  it('runStat gives flat values for distinct and total_count only when paged', async () => {
    const { db } = fakeDb([{ c0: 'a' }, { c0: 'b' }], 2);
    await expect(runStat(db, compileStat(jobSchema, { distinct: 'status', page: { limit: 2 } }, SCOPE))).resolves.toEqual({
      results: ['a', 'b'],
      total_count: 2,
    });
    await expect(runStat(db, compileStat(jobSchema, { distinct: 'status' }, SCOPE))).resolves.toEqual({ results: ['a', 'b'] });
  });

  it('runAnalyze drops the extra row and tells more', async () => {
    const compiled = compileAnalyze(jobSchema, { group_by: ['status'], fields: { n: { operator: 'count' } }, page: { limit: 2 } }, SCOPE);
    const three = fakeDb([{ c0: 'A', c1: '1' }, { c0: 'B', c1: '2' }, { c0: 'C', c1: '3' }], 0);
    await expect(runAnalyze(three.db, compiled)).resolves.toEqual({ results: [{ status: 'A', n: 1 }, { status: 'B', n: 2 }], more: true });
    const two = fakeDb([{ c0: 'A', c1: '1' }, { c0: 'B', c1: '2' }], 0);
    await expect(runAnalyze(two.db, compiled)).resolves.toEqual({ results: [{ status: 'A', n: 1 }, { status: 'B', n: 2 }], more: false });
  });

  it('turns PostgreSQL rejecting a regular expression into a QueryError, and lets other errors through', async () => {
    const compiled = compileSearch(jobSchema, { filter: [{ k: 'status', v: '\\p{L}', o: 'regex' }] }, SCOPE);
    const regexDb: Queryable = { query: async () => Promise.reject(Object.assign(new Error('invalid regular expression'), { code: '2201B' })) };
    const error = await runSearch(regexDb, compiled).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).code).toBe('ERROR_INVALID_PARAMETER');
    const brokenDb: Queryable = { query: async () => Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' })) };
    await expect(runSearch(brokenDb, compiled)).rejects.toThrow('connection lost');
  });
});
