import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { FastWriter, RawJson } from '@cloud-inventory/wire';
import { recordDeletes } from '../cloud-service/change-history.sql';
import { RESOURCE_KIND, RESOURCE_KINDS, ResourceKind } from '../cloud-service/resource-kinds';
import { generateBatchIds } from '../common/ids';
import { firstRow, pgError } from '../common/sql-rows';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import type { JobTaskError } from '../job-task/job-task.entity';
import { TaskErrorCode } from '../job-task/task-error-code';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { ResourceItem } from './ingest-item';
import { IngestTally, batchWriteSeconds } from './ingest.metrics';
import { renderJsonColumn } from './json-columns';
import { describeResource } from './resource-description';
import { ResourceTableSpec, UpsertVariant, buildProbeStatement, buildUpsertStatement } from './resource-tables';

/** Who is writing: the task, its scope, and the lease that proves the task is still ours. */
export interface IngestContext {
  job_task_id: string;
  job_id: string;
  collector_id: string;
  secret_id: string;
  domain_id: string;
  workspace_id: string;
  service_account_id: string;
  project_id: string;
  lease_owner: string;
}

export interface BatchCounts {
  created: number;
  updated: number;
  failed: number;
}

/** The task is no longer this worker's: canceled, finished, or its lease was taken over. */
export class TaskLostError extends Error {
  constructor(jobTaskId: string) {
    super(`Job task ${jobTaskId} is no longer held by this worker`);
  }
}

const PROBES = Object.fromEntries(RESOURCE_KINDS.map((spec) => [spec.kind, buildProbeStatement(spec)])) as Record<
  ResourceKind,
  string
>;

/**
 * The batch as the binary jsonb parameter of the upsert (version byte 1, then JSON text), one row
 * per resource, written straight into bytes: nested objects are copied from their wire bytes and
 * never become JavaScript strings or objects.
 */
function batchJsonb(items: ResourceItem[], ids: string[]): Buffer {
  const out = new FastWriter(items.length * 1600 + 64);
  out.byte(0x01);
  out.byte(0x5b);
  items.forEach((item, ord) => {
    if (ord > 0) out.byte(0x2c);
    out.utf8(
      `{"ord":${ord},"new_id":"${ids[ord]}","identity_key":"${item.identity}","secondary_keys":${JSON.stringify(item.secondary)},"content_hash":"${item.contentHash}"`,
    );
    const row = item.row;
    for (const column in row) {
      const value = row[column];
      out.utf8(`,"${column}":`);
      if (value instanceof RawJson) value.writeJson(out);
      else if (value !== null && typeof value === 'object') out.utf8(renderJsonColumn(value));
      else out.utf8(JSON.stringify(value));
    }
    out.byte(0x7d);
  });
  out.byte(0x5d);
  return out.view();
}

/** The upsert statement of each table and variant, built once. */
const STATEMENTS = new Map(
  RESOURCE_KINDS.flatMap((spec) =>
    [false, true].flatMap((withSecondary) =>
      [false, true].map((withHistory) => [statementKey(spec.kind, { withSecondary, withHistory }), buildUpsertStatement(spec, { withSecondary, withHistory })]),
    ),
  ),
);

function statementKey(kind: ResourceKind, variant: UpsertVariant): string {
  return `ingest_${kind}${variant.withSecondary ? '_secondary' : ''}${variant.withHistory ? '_history' : ''}`;
}

const ID_COLUMNS = [...RESOURCE_KINDS.map((spec) => `(${spec.idColumn})=`), '(record_id)='];

function isPrimaryKeyCollision(error: unknown): boolean {
  const e = pgError(error);
  return e.code === '23505' && typeof e.detail === 'string' && ID_COLUMNS.some((column) => e.detail!.includes(column));
}

/** The secret's resources one successful run did not see. */
export interface Disconnected {
  disconnected: number;
  deleted: number;
}

/**
 * Writes what collects find: one batch of a collect is one set-based statement per resource
 * table, and the task's counters and errors (job-task's TaskStateRepository.addBatch), in one
 * transaction. The counter update is guarded by the task's state and lease; when it finds
 * nothing, the whole batch is rolled back and TaskLostError thrown, so a worker that lost its
 * task cannot write behind the new owner's back. Owns collect_seen, and disconnects what a
 * successful run did not see.
 */
@Injectable()
export class IngestRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
    private readonly taskStates: TaskStateRepository,
  ) {}

  async writeBatch(context: IngestContext, items: ResourceItem[], failures: JobTaskError[]): Promise<BatchCounts> {
    const byKind = new Map<ResourceKind, ResourceItem[]>();
    for (const item of items) {
      const list = byKind.get(item.kind);
      if (list) list.push(item);
      else byKind.set(item.kind, [item]);
    }
    const timer = batchWriteSeconds.startTimer();
    const runner = this.dataSource.createQueryRunner();
    let committed = false;
    try {
      const client = (await runner.connect()) as PoolClient;
      for (let attempt = 1; ; attempt++) {
        await client.query('BEGIN');
        try {
          // A batch commit need not wait for its WAL flush: if PostgreSQL crashes, the batches it
          // loses are lost with the task's counters (same transaction), the task fails or is
          // retried, and unchanged resources are not counted again. Ending a task stays durable.
          await client.query('SET LOCAL synchronous_commit = off');
          const tally = new IngestTally();
          const counts = await this.write(client, context, byKind, failures, tally);
          await client.query('COMMIT');
          committed = true;
          tally.record();
          return counts;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          // a batch's new ids share 32 random bits (generateBatchIds): a collision with another
          // batch's is rare but possible, and new ids fix it
          if (attempt < 3 && isPrimaryKeyCollision(error)) continue;
          throw error;
        }
      }
    } finally {
      timer({ outcome: committed ? 'ok' : 'error' });
      await runner.release();
    }
  }

  private async write(
    client: PoolClient,
    context: IngestContext,
    byKind: Map<ResourceKind, ResourceItem[]>,
    failures: JobTaskError[],
    tally: IngestTally,
  ): Promise<BatchCounts> {
    const counts: BatchCounts = { created: 0, updated: 0, failed: failures.length };
    const errors = [...failures];
    tally.failures(failures);
    for (const [kind, batch] of byKind) {
      const spec = RESOURCE_KIND[kind];
      const result = await this.upsert(client, spec, context, batch);
      tally.kind(kind, {
        created: result.created,
        updated: result.updated,
        unchanged: batch.length - result.written,
        failed: result.too_many.length,
      });
      if (spec.countedOnTask) {
        counts.created += result.created;
        counts.updated += result.updated;
      }
      for (const ord of result.too_many) {
        counts.failed += 1;
        errors.push({
          error_code: TaskErrorCode.TOO_MANY_MATCH,
          message: 'More than one existing resource matches this resource by its match rules.',
          additional: { resource_type: kind, ...describeResource(batch[ord].row) },
        });
      }
    }
    const held = await this.taskStates.addBatch(client, context.job_task_id, context.lease_owner, { ...counts, errors });
    if (!held) throw new TaskLostError(context.job_task_id);
    return counts;
  }

  private async upsert(
    client: PoolClient,
    spec: ResourceTableSpec,
    context: IngestContext,
    batch: ResourceItem[],
  ): Promise<{ created: number; updated: number; too_many: number[]; written: number }> {
    // first ask which resources changed; only those are sent and written
    const probe = await client.query({
      name: `ingest_probe_${spec.kind}`,
      text: PROBES[spec.kind],
      values: spec.tracksCollection
        ? [batch.map((item) => item.identity), batch.map((item) => item.contentHash), context.job_id, context.secret_id]
        : [batch.map((item) => item.identity), batch.map((item) => item.contentHash)],
    });
    if (probe.rowCount === 0) return { created: 0, updated: 0, too_many: [], written: 0 };
    const positions: number[] = probe.rows.map((row: { ord: string | number }) => Number(row.ord));
    const toWrite = positions.map((position) => batch[position]);
    const ids = spec.byIdAndVersion ? toWrite.map((item) => item.id!) : generateBatchIds(spec.idPrefix, toWrite.length);
    const scope = [batchJsonb(toWrite, ids), context.domain_id, spec.domainWide ? '*' : context.workspace_id];
    const values = spec.tracksCollection
      ? [...scope, context.collector_id, context.secret_id, context.service_account_id, context.project_id, context.job_id]
      : [...scope, context.collector_id];
    const variant: UpsertVariant = {
      // rows created through the API are found by their secondary keys (kinds without a natural key)
      // (a kind upserted by its own id has no other keys)
      withSecondary: !spec.byIdAndVersion && (!spec.naturalKey || toWrite.some((item) => item.secondary.length > 0)),
      withHistory: spec.keepsHistory && this.config.ingest.changeHistory,
    };
    const name = statementKey(spec.kind, variant);
    // named: each connection parses and plans the statement once
    const result = await client.query({ name, text: STATEMENTS.get(name)!, values });
    const row = result.rows[0] as { created: number; updated: number; too_many: number[] };
    return {
      created: row.created,
      updated: row.updated,
      too_many: (row.too_many ?? []).map((ord) => positions[ord]),
      // the probe's rows: the resources sent to the upsert (the others are unchanged)
      written: positions.length,
    };
  }

  /**
   * In the caller's transaction, once every task of a secret in a job has succeeded (a split
   * collect has several; the caller knows it is the last): the secret's cloud services this job
   * did not see are disconnected, and deleted after DISCONNECTED_DELETE_AFTER misses in a row,
   * dated `at` (the end of the secret's last task). Then the secret's seen-rows of this job are
   * dropped. A partial run (any task of the secret failed or was canceled) never gets here, so it
   * changes nothing.
   */
  async disconnectUnseen(
    manager: EntityManager,
    task: { job_id: string; domain_id: string; collector_id: string; secret_id: string },
    at: Date | string,
  ): Promise<Disconnected> {
    // collect_seen was filled by this very job, so its statistics are stale and the planner takes
    // it for a handful of rows: a nested-loop anti join then costs seconds per 10k resources.
    // A hash anti join reads each side once.
    await manager.query(`SET LOCAL enable_nestloop = off`);
    // a resource deleted after too many misses gets its DELETE record, by the collector and job
    const recorded = this.config.ingest.changeHistory
      ? `,
         recorded AS (
           ${recordDeletes(`SELECT cloud_service_id AS id FROM gone WHERE state = 'DELETED'`, {
             domainId: '$1',
             updatedBy: `'COLLECTOR'`,
             collectorId: '$2',
             jobId: '$4',
             userId: `''`,
           })}
         )`
      : '';
    const counts = firstRow<Disconnected>(
      await manager.query(
        `WITH gone AS (
           UPDATE cloud_service cs SET
               disconnected_count = cs.disconnected_count + 1,
               state = CASE WHEN cs.disconnected_count + 1 >= $5 THEN 'DELETED' ELSE 'DISCONNECTED' END,
               deleted_at = CASE WHEN cs.disconnected_count + 1 >= $5 THEN $6::timestamptz END,
               updated_at = $6::timestamptz
            WHERE cs.domain_id = $1 AND cs.collector_id = $2 AND cs.secret_id = $3 AND cs.state <> 'DELETED'
              AND cs.collected_by_job IS DISTINCT FROM $4
              AND NOT EXISTS (SELECT 1 FROM collect_seen s
                               WHERE s.job_id = $4 AND s.secret_id = $3 AND s.cloud_service_id = cs.cloud_service_id)
            RETURNING cs.cloud_service_id, cs.state)${recorded}
         SELECT count(*) FILTER (WHERE state = 'DISCONNECTED')::int AS disconnected,
                count(*) FILTER (WHERE state = 'DELETED')::int AS deleted
           FROM gone`,
        [task.domain_id, task.collector_id, task.secret_id, task.job_id, this.config.ingest.disconnectedDeleteAfter, at],
      ),
    )!;
    await manager.query(`SET LOCAL enable_nestloop = on`);
    await manager.query(`DELETE FROM collect_seen WHERE job_id = $1 AND secret_id = $2`, [task.job_id, task.secret_id]);
    return counts;
  }

  /** In the caller's transaction: drops the seen-rows of jobs that ended or are deleted. */
  async forgetSeen(manager: EntityManager, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await manager.query(`DELETE FROM collect_seen WHERE job_id = ANY($1::text[])`, [jobIds]);
  }
}
