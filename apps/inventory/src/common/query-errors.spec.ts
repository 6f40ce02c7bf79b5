import { status } from '@grpc/grpc-js';
import { AppError, ErrorCode, statusOf } from '@cloud-inventory/grpc';
import { QUERY_ERROR_CODES, QueryError } from '@cloud-inventory/query';
import { queryFailure, withQueryErrors } from './query-errors';

describe('query errors at the edge', () => {
  it.each(QUERY_ERROR_CODES)('%s keeps its code and message and is INVALID_ARGUMENT / 400', (code) => {
    const error = new QueryError(code, 'Query is invalid. (reason = x)');
    const mapped = queryFailure(error) as AppError;
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe(code);
    expect(mapped.wireMessage).toBe(error.wireMessage);
    expect(statusOf(mapped.code)).toEqual({ grpc: status.INVALID_ARGUMENT, http: 400 });
  });

  it('turns a PostgreSQL data exception into ERROR_DB_QUERY without PostgreSQL text, and a statement timeout into a timeout', () => {
    const outOfRange = Object.assign(new Error('value "99999999999" is out of range for type integer in SELECT ...'), { code: '22003' });
    const mapped = queryFailure({ driverError: outOfRange, message: outOfRange.message }) as AppError;
    expect(mapped.code).toBe(ErrorCode.DB_QUERY);
    expect(mapped.message).not.toContain('SELECT');
    expect(mapped.message).toContain('22003');
    expect((queryFailure(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })) as AppError).code).toBe(ErrorCode.TIMEOUT);
  });

  it('leaves every other error as it is (INTERNAL with an errorId at the edge)', async () => {
    const broken = Object.assign(new Error('connection terminated'), { code: '08006' });
    expect(queryFailure(broken)).toBe(broken);
    await expect(withQueryErrors(() => Promise.reject(broken))).rejects.toBe(broken);
    await expect(withQueryErrors(() => Promise.reject(QueryError.required('query.fields')))).rejects.toMatchObject({
      code: ErrorCode.REQUIRED_PARAMETER,
      message: 'Required parameter. (key = query.fields)',
    });
  });
});
