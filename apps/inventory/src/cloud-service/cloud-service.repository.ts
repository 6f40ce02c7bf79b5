import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { pgError, sqlRows } from '../common/sql-rows';
import { RecordAuthor, diffDocument, recordChanges, recordDeletes } from './change-history.sql';
import { CloudServiceEntity } from './cloud-service.entity';
import { CLOUD_SERVICE_QUERY_SCHEMA } from './cloud-service.kind';

/** A cloud service created through the API: its payload as stored (tags and metadata by provider) and its match keys. */
export interface NewCloudService {
  cloud_service_id: string;
  name: string;
  account: string;
  instance_type: string;
  instance_size: number;
  ip_addresses: string[];
  cloud_service_type: string;
  cloud_service_group: string;
  provider: string;
  region_code: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  reference: { resource_id: string; external_link: string };
  tags: Record<string, unknown>;
  project_id: string;
  domain_id: string;
  workspace_id: string;
  identity_key: string;
  secondary_keys: string[];
}

/** What an API update writes: replaced fields, data merged, tags and metadata into a provider bucket; new keys of a row no collect has taken. */
export interface CloudServiceChanges {
  replace: Partial<Pick<CloudServiceEntity, 'name' | 'account' | 'instance_type' | 'instance_size' | 'ip_addresses' | 'reference' | 'region_code' | 'project_id'>>;
  /** Shallow-merged into data. */
  data?: Record<string, unknown>;
  /** Replace the bucket `bucket` of tags / metadata. */
  bucket: string;
  tags?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  keys?: { identity_key: string; secondary_keys: string[] };
}

export type WriteOutcome = { row: CloudServiceEntity } | { missing: true } | { deleted: true };

const NO_PREVIOUS = '(SELECT NULL::text AS id, NULL::jsonb AS doc WHERE false)';

/** The author of API writes: a user, the caller's token's (`aud`). */
function userAuthor(domainParam: string, userParam: string): RecordAuthor {
  return { domainId: domainParam, updatedBy: `'USER'`, collectorId: `''`, jobId: `''`, userId: userParam };
}

/** The rows a caller may change: its domain, its workspace (if it acts in one), its projects (a member). */
export interface CallerRows {
  domain_id: string;
  workspace_id?: string;
  projects?: readonly string[];
}

/** `t` is the caller's row $2: $1 domain, $3 workspace or NULL, $4 projects or NULL (callerParams). */
const CALLER_ROW = `t.domain_id = $1 AND t.cloud_service_id = $2 AND ($3::text IS NULL OR t.workspace_id = $3) AND ($4::text[] IS NULL OR t.project_id = ANY($4))`;

function callerParams(caller: CallerRows, cloudServiceId: string): unknown[] {
  return [caller.domain_id, cloudServiceId, caller.workspace_id ?? null, caller.projects ? [...caller.projects] : null];
}

@Injectable()
export class CloudServiceRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, CLOUD_SERVICE_QUERY_SCHEMA);
  }

  private get repo() {
    return this.dataSource.getRepository(CloudServiceEntity);
  }

  findOne(where: RowWhere, cloudServiceId: string): Promise<CloudServiceEntity | null> {
    return this.repo.findOneBy({ ...where, cloud_service_id: cloudServiceId });
  }

  /** The live row with this identity, if any (what a create collided with). */
  async findLiveByIdentity(identityKey: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query(`SELECT cloud_service_id FROM cloud_service WHERE identity_key = $1 AND state <> 'DELETED' LIMIT 1`, [identityKey]);
    return row?.cloud_service_id;
  }

  /** list: Cloudforet's Query over CloudServiceInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.stat(query, scope, typedFilters);
  }

  analyze(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.analyze(query, scope, typedFilters);
  }

  /**
   * A cloud service created by hand, with its CREATE record, in one statement. Null when a live
   * cloud service has the same identity (the same keys of the plugins' usual match rule).
   */
  async insert(row: NewCloudService, userId: string): Promise<CloudServiceEntity | null> {
    const columns = Object.keys(row) as (keyof NewCloudService)[];
    const JSON_COLUMNS = new Set(['ip_addresses', 'data', 'metadata', 'reference', 'tags']);
    const values = columns.map((column) => (JSON_COLUMNS.has(column) ? JSON.stringify(row[column]) : row[column]));
    const placeholders = columns.map((column, i) => `$${i + 1}${JSON_COLUMNS.has(column) ? '::jsonb' : column === 'secondary_keys' ? '::text[]' : ''}`);
    const domain = `$${columns.indexOf('domain_id') + 1}`;
    const user = `$${columns.length + 1}`;
    const rows = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO cloud_service (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${placeholders.join(', ')})
         ON CONFLICT DO NOTHING
         RETURNING *
       ),
       recorded AS (
         ${recordChanges(`SELECT cloud_service_id AS id, true AS created, ${diffDocument('inserted')} AS doc FROM inserted`, NO_PREVIOUS, userAuthor(domain, user))}
       )
       SELECT * FROM inserted`,
      [...values, userId],
    );
    return (rows as CloudServiceEntity[])[0] ?? null;
  }

  /**
   * An API update and its UPDATE record (when a diffed key changed), in one transaction: the row
   * is locked first, so the record's "before" is the row the update changed. A DELETED row is not
   * changed. `changes` is computed from the locked row (new match keys need its values).
   */
  async update(
    caller: CallerRows,
    cloudServiceId: string,
    userId: string,
    changesOf: (row: CloudServiceEntity) => CloudServiceChanges,
  ): Promise<WriteOutcome | { conflict: true }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [row] = (await manager.query(`SELECT * FROM cloud_service t WHERE ${CALLER_ROW} FOR UPDATE`, callerParams(caller, cloudServiceId))) as CloudServiceEntity[];
        if (!row) return { missing: true } as const;
        if (row.state === 'DELETED') return { deleted: true } as const;
        return { row: await this.applyUpdate(manager, row, changesOf(row), userId) };
      });
    } catch (error) {
      if (pgError(error).code === '23505') return { conflict: true };
      throw error;
    }
  }

  private async applyUpdate(manager: EntityManager, row: CloudServiceEntity, changes: CloudServiceChanges, userId: string): Promise<CloudServiceEntity> {
    const values: unknown[] = [row.domain_id, row.cloud_service_id];
    const param = (value: unknown, cast = '') => {
      values.push(value);
      return `$${values.length}${cast}`;
    };
    const sets: string[] = [];
    for (const [column, value] of Object.entries(changes.replace)) {
      if (value === undefined) continue;
      const json = column === 'ip_addresses' || column === 'reference';
      sets.push(`"${column}" = ${param(json ? JSON.stringify(value) : value, json ? '::jsonb' : '')}`);
    }
    if (changes.data) sets.push(`data = t.data || ${param(JSON.stringify(changes.data), '::jsonb')}`);
    for (const column of ['tags', 'metadata'] as const) {
      const value = changes[column];
      if (value) sets.push(`${column} = t.${column} || jsonb_build_object(${param(changes.bucket, '::text')}, ${param(JSON.stringify(value), '::jsonb')})`);
    }
    if (changes.keys) {
      sets.push(`identity_key = ${param(changes.keys.identity_key)}`, `secondary_keys = ${param(changes.keys.secondary_keys, '::text[]')}`);
    }
    // the next collect that sends this resource writes it again (its content hash no longer matches)
    sets.push(`content_hash = ''`, 'updated_at = now()');
    const user = param(userId);
    const rows = await manager.query(
      `WITH previous AS (
         SELECT t.cloud_service_id AS id, ${diffDocument('t')} AS doc FROM cloud_service t WHERE t.domain_id = $1 AND t.cloud_service_id = $2
       ),
       updated AS (
         UPDATE cloud_service t SET ${sets.join(', ')} WHERE t.domain_id = $1 AND t.cloud_service_id = $2 RETURNING t.*
       ),
       recorded AS (
         ${recordChanges(`SELECT cloud_service_id AS id, false AS created, ${diffDocument('updated')} AS doc FROM updated`, 'previous', userAuthor('$1', user))}
       )
       SELECT * FROM updated`,
      values,
    );
    return sqlRows<CloudServiceEntity>(rows)[0];
  }

  /** Soft delete, as collects do (the row stays, DELETED, never matched again), with its DELETE record. */
  async markDeleted(caller: CallerRows, cloudServiceId: string, userId: string): Promise<'deleted' | 'missing' | 'already-deleted'> {
    const [result] = await this.dataSource.query(
      `WITH target AS (
         SELECT state FROM cloud_service t WHERE ${CALLER_ROW}
       ),
       deleted AS (
         UPDATE cloud_service t SET state = 'DELETED', deleted_at = now(), updated_at = now()
          WHERE ${CALLER_ROW} AND t.state <> 'DELETED'
         RETURNING cloud_service_id
       ),
       recorded AS (
         ${recordDeletes('SELECT cloud_service_id AS id FROM deleted', userAuthor('$1', '$5'))}
       )
       SELECT (SELECT state FROM target) AS state, (SELECT count(*) FROM deleted)::int AS deleted`,
      [...callerParams(caller, cloudServiceId), userId],
    );
    if (result.state === null) return 'missing';
    return result.deleted > 0 ? 'deleted' : 'already-deleted';
  }
}
