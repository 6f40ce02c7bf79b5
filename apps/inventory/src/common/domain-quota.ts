import { DataSource, EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { firstRow } from './sql-rows';

/** The first key of the advisory locks that serialise the creations of one domain (per table). */
const QUOTA_LOCK_CLASS = 0x51_07_a0;

export interface DomainQuota {
  /** The table counted (a plain identifier of ours, never from a request). */
  table: 'collector' | 'secret';
  /** What the error calls the rows: "collectors". */
  noun: string;
  /** The configuration variable that sets the limit, for the error message. */
  setting: string;
  limit: number;
}

/**
 * Inserts one row of a domain only while the domain has fewer than `quota.limit` rows of the
 * table. A transaction-scoped advisory lock per (table, domain) serialises the creators of that
 * domain, so the count and the insert of one creator cannot interleave with another's: two
 * concurrent creations at `limit - 1` give one row and one ERROR_QUOTA_EXCEEDED, never two rows.
 * Other domains are not held up (a hash collision only serialises two domains' creations).
 */
export async function insertWithinDomainQuota<T>(
  dataSource: DataSource,
  quota: DomainQuota,
  domainId: string,
  insert: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock($1::int, hashtext($2))`, [QUOTA_LOCK_CLASS, `${quota.table}:${domainId}`]);
    const row = firstRow<{ used: number }>(await manager.query(`SELECT count(*)::int AS used FROM ${quota.table} WHERE domain_id = $1`, [domainId]));
    if ((row?.used ?? 0) >= quota.limit) {
      throw new AppError(
        ErrorCode.QUOTA_EXCEEDED,
        `This domain already has ${row?.used} ${quota.noun}, its quota (${quota.setting} = ${quota.limit}); delete some first.`,
      );
    }
    return insert(manager);
  });
}
