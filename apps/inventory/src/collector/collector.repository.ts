import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import { insertWithinDomainQuota } from '../common/domain-quota';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { sqlRows } from '../common/sql-rows';
import { CollectorEntity, StoredSchedule } from './collector.entity';
import { COLLECTOR_QUERY_SCHEMA } from './collector.query-schema';

@Injectable()
export class CollectorRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, COLLECTOR_QUERY_SCHEMA);
  }

  private get repo() {
    return this.dataSource.getRepository(CollectorEntity);
  }

  save(entity: CollectorEntity): Promise<CollectorEntity> {
    return this.repo.save(entity);
  }

  /** Inserts a new collector unless its domain already has `quota` of them (ERROR_QUOTA_EXCEEDED). */
  insert(entity: CollectorEntity, quota: number): Promise<CollectorEntity> {
    const limit = { table: 'collector', noun: 'collectors', setting: 'DOMAIN_MAX_COLLECTORS', limit: quota } as const;
    return insertWithinDomainQuota(this.dataSource, limit, entity.domain_id, (manager) => manager.save(entity));
  }

  findOne(domainId: string, collectorId: string): Promise<CollectorEntity | null> {
    return this.repo.findOneBy({ domain_id: domainId, collector_id: collectorId });
  }

  /** A collector the caller may reach (rowScope), else null. */
  findScoped(where: RowWhere, collectorId: string): Promise<CollectorEntity | null> {
    return this.repo.findOneBy({ ...where, collector_id: collectorId });
  }

  async delete(manager: EntityManager, where: RowWhere, collectorId: string): Promise<boolean> {
    const result = await manager.getRepository(CollectorEntity).delete({ ...where, collector_id: collectorId });
    return (result.affected ?? 0) > 0;
  }

  async touchLastCollected(manager: EntityManager, collectorId: string): Promise<void> {
    await manager.query(`UPDATE collector SET last_collected_at = now() WHERE collector_id = $1`, [collectorId]);
  }

  // The schedule's state (the scheduler's columns). Times come from the caller's clock.

  /**
   * Plans the next slot of `schedule`, if it is still the collector's schedule and not planned
   * yet: a schedule planned once keeps its slot (an update that does not change it, or two
   * planners at once, change nothing). Returns whether it planned.
   */
  async planSchedule(collectorId: string, schedule: StoredSchedule, nextRunAt: Date | null): Promise<boolean> {
    const planned = await this.dataSource.query(
      `UPDATE collector SET schedule_planned = $2::jsonb, schedule_next_run_at = $3
        WHERE collector_id = $1 AND schedule = $2::jsonb AND schedule_planned IS DISTINCT FROM $2::jsonb
        RETURNING collector_id`,
      [collectorId, JSON.stringify(schedule), nextRunAt],
    );
    return sqlRows(planned).length > 0;
  }

  /** Collectors whose schedule is not planned: new, changed, or from before schedules fired. */
  async findUnplanned(limit: number): Promise<{ collector_id: string; schedule: StoredSchedule }[]> {
    return this.dataSource.query(
      `SELECT collector_id, schedule FROM collector WHERE schedule_planned IS DISTINCT FROM schedule ORDER BY collector_id LIMIT $1`,
      [limit],
    );
  }

  /**
   * Claims up to `limit` collectors whose planned slot is due at `now` for `owner`, until
   * `claimUntil`: a slot is claimed by one scheduler at a time, and a claim whose scheduler died
   * expires. Returns the claimed collectors.
   */
  async claimDueSchedules(now: Date, owner: string, claimUntil: Date, limit: number): Promise<CollectorEntity[]> {
    const claimed = await this.dataSource.query(
      `UPDATE collector c SET schedule_claimed_by = $2, schedule_claim_expires_at = $3
        WHERE c.collector_id IN (
          SELECT collector_id FROM collector
           WHERE schedule_next_run_at <= $1 AND schedule_planned = schedule
             AND (schedule_claim_expires_at IS NULL OR schedule_claim_expires_at <= $1)
           ORDER BY schedule_next_run_at
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING c.*`,
      [now, owner, claimUntil, limit],
    );
    return sqlRows<CollectorEntity>(claimed).map((row) => Object.assign(new CollectorEntity(), row));
  }

  /**
   * Ends `owner`'s claim of the slot it claimed (`claimed.schedule_next_run_at`), recording what
   * happened and planning `nextRunAt`; the skipped count goes up by one for a skipped slot. Only
   * the claim's holder can end it, once, and only while the schedule is the one it claimed:
   * returns false (and lets the claim go) otherwise.
   */
  async finishScheduledSlot(
    claimed: CollectorEntity,
    owner: string,
    outcome: { slot: Date; nextRunAt: Date | null; jobId?: string; skipped: boolean; error?: string },
  ): Promise<boolean> {
    const finished = await this.dataSource.query(
      `UPDATE collector SET
           schedule_next_run_at = $4,
           schedule_last_run_at = $5,
           schedule_last_job_id = COALESCE($6, schedule_last_job_id),
           schedule_skipped_count = schedule_skipped_count + CASE WHEN $7 THEN 1 ELSE 0 END,
           schedule_last_skipped_at = CASE WHEN $7 THEN $5 ELSE schedule_last_skipped_at END,
           schedule_last_error = $8,
           schedule_claimed_by = NULL,
           schedule_claim_expires_at = NULL
        WHERE collector_id = $1 AND schedule_claimed_by = $2 AND schedule_next_run_at = $3 AND schedule_planned = schedule
        RETURNING collector_id`,
      [
        claimed.collector_id,
        owner,
        claimed.schedule_next_run_at,
        outcome.nextRunAt,
        outcome.slot,
        outcome.jobId ?? null,
        outcome.skipped,
        outcome.error ?? null,
      ],
    );
    if (sqlRows(finished).length > 0) return true;
    await this.dataSource.query(
      `UPDATE collector SET schedule_claimed_by = NULL, schedule_claim_expires_at = NULL WHERE collector_id = $1 AND schedule_claimed_by = $2`,
      [claimed.collector_id, owner],
    );
    return false;
  }

  /** When the earliest planned slot can be claimed (a slot another scheduler holds: when its claim expires). */
  async nextScheduledSlot(): Promise<Date | null> {
    const [row] = await this.dataSource.query(
      `SELECT min(GREATEST(schedule_next_run_at, COALESCE(schedule_claim_expires_at, schedule_next_run_at))) AS next
         FROM collector WHERE schedule_next_run_at IS NOT NULL`,
    );
    return row?.next ?? null;
  }

  /** list: Cloudforet's Query over CollectorInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope) {
    return this.queries.stat(query, scope);
  }
}
