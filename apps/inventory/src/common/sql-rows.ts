/**
 * The rows of a raw query through TypeORM: UPDATE and DELETE (with RETURNING) come back as
 * [rows, affectedCount], everything else as rows.
 */
export function sqlRows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

export function firstRow<T>(result: unknown): T | undefined {
  return sqlRows<T>(result)[0];
}

/** The PostgreSQL error fields of an error from pg, directly or wrapped in TypeORM's QueryFailedError. */
export function pgError(error: unknown): { code?: string; constraint?: string; detail?: string } {
  const e = error as { code?: string; constraint?: string; detail?: string; driverError?: { code?: string; constraint?: string; detail?: string } };
  return { code: e?.code ?? e?.driverError?.code, constraint: e?.constraint ?? e?.driverError?.constraint, detail: e?.detail ?? e?.driverError?.detail };
}
