import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The rows of a raw query through TypeORM: UPDATE and DELETE (with RETURNING) come back as
 * [rows, affectedCount], everything else as rows.
 */
export function sqlRows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/**
 * Rows of a named (prepared) statement on the connection of the caller's transaction: PostgreSQL
 * parses and plans it once per connection instead of on every call (a hot path's big statements
 * cost more to plan than to run). `manager` must be a transaction's.
 */
export async function preparedRows<T>(manager: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (!manager.queryRunner) throw new Error(`preparedRows(${name}) needs a transaction's EntityManager`);
  const client = (await manager.queryRunner.connect()) as PoolClient;
  return (await client.query({ name, text, values })).rows as T[];
}

/** Rows of a named (prepared) statement on a connection of the pool, outside any transaction (see preparedRows). */
export async function preparedPoolRows<T>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query({ name, text, values })).rows as T[];
  } finally {
    await runner.release();
  }
}

export function firstRow<T>(result: unknown): T | undefined {
  return sqlRows<T>(result)[0];
}

/** The PostgreSQL error fields of an error from pg, directly or wrapped in TypeORM's QueryFailedError. */
export function pgError(error: unknown): { code?: string; constraint?: string; detail?: string } {
  const e = error as { code?: string; constraint?: string; detail?: string; driverError?: { code?: string; constraint?: string; detail?: string } };
  return { code: e?.code ?? e?.driverError?.code, constraint: e?.constraint ?? e?.driverError?.constraint, detail: e?.detail ?? e?.driverError?.detail };
}
