import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { preparedRows, sqlRows } from '../common/sql-rows';

export const TASK_QUEUE_CHANNEL = 'inventory_task_queue';

/** Claims are made one at a time across all workers (a transaction-level advisory lock), so that caps hold exactly. */
const CLAIM_LOCK = 'inventory_task_claim';

export interface ClaimedTask {
  job_task_id: string;
  job_id: string;
  attempts: number;
}

/** What every queue entry of a job shares. */
export interface QueuedJob {
  job_id: string;
  domain_id: string;
  collector_id: string;
  /** The most tasks of the collector running at once (null: no cap). */
  max_running: number | null;
}

/** Limits every claim honours besides the collectors' own caps. */
export interface ClaimLimits {
  /** Tasks of one domain running at once across all workers (0: no limit). */
  domainMaxRunning: number;
}

/**
 * One claim, as one statement (see TaskQueueRepository.claim):
 * - `grp`: the (domain, collector) pairs with queued tasks, by a loose index scan (one probe each);
 * - `live`: running leases per (domain, collector); an expired lease is a dead worker's and counts
 *   as free;
 * - `candidate`: the oldest ready entries of each pair;
 * - a collector's candidates beyond its cap (max_running less its running leases) are dropped;
 * - the rest are ranked within their domain by (running + rank within the collector, when the
 *   collector was last served, age), so the collectors of a domain take turns: one with tasks
 *   running waits behind one with fewer, and among equals the least recently served goes first
 *   (task_claim_turn, written by the claim: `served`), whatever the ages of their jobs; they are
 *   numbered from the domain's running count on: `domain_slot`;
 * - beyond the domain's quota they are dropped; the lowest domain_slot goes first across domains,
 *   so a domain with nothing running gets the next free worker before one with 10,000 queued.
 */
const CLAIM = `
WITH RECURSIVE grp AS (
  (SELECT domain_id, collector_id FROM task_queue ORDER BY domain_id, collector_id LIMIT 1)
  UNION ALL
  SELECT n.domain_id, n.collector_id
    FROM grp g
    CROSS JOIN LATERAL (
      SELECT q.domain_id, q.collector_id FROM task_queue q
       WHERE (q.domain_id, q.collector_id) > (g.domain_id, g.collector_id)
       ORDER BY q.domain_id, q.collector_id LIMIT 1) n
),
live AS (
  SELECT domain_id, collector_id, count(*)::int AS n FROM task_queue
   WHERE lease_owner IS NOT NULL AND lease_expires_at >= now()
   GROUP BY domain_id, collector_id
),
domain_live AS (
  SELECT domain_id, sum(n)::int AS n FROM live GROUP BY domain_id
),
candidate AS (
  SELECT c.job_task_id, g.domain_id, g.collector_id, c.max_running, c.run_after, c.created_at, coalesce(l.n, 0) AS collector_running,
         t.claimed_at AS collector_served,
         row_number() OVER (PARTITION BY g.domain_id, g.collector_id ORDER BY c.run_after, c.created_at, c.job_task_id) AS collector_rank
    FROM grp g
    LEFT JOIN live l ON l.domain_id = g.domain_id AND l.collector_id = g.collector_id
    LEFT JOIN task_claim_turn t ON t.domain_id = g.domain_id AND t.collector_id = g.collector_id
    CROSS JOIN LATERAL (
      SELECT q.job_task_id, q.max_running, q.run_after, q.created_at FROM task_queue q
       WHERE q.domain_id = g.domain_id AND q.collector_id = g.collector_id
         AND q.run_after <= now() AND (q.lease_expires_at IS NULL OR q.lease_expires_at < now())
       ORDER BY q.run_after, q.created_at, q.job_task_id
       LIMIT $2) c
),
within_cap AS (
  SELECT c.*, coalesce(d.n, 0) + row_number() OVER (PARTITION BY c.domain_id ORDER BY c.collector_running + c.collector_rank, c.collector_served NULLS FIRST, c.run_after, c.created_at, c.job_task_id) AS domain_slot
    FROM candidate c
    LEFT JOIN domain_live d ON d.domain_id = c.domain_id
   WHERE c.max_running IS NULL OR c.collector_running + c.collector_rank <= c.max_running
),
chosen AS (
  SELECT job_task_id, domain_id, collector_id FROM within_cap
   WHERE $4::int = 0 OR domain_slot <= $4::int
   ORDER BY domain_slot, run_after, created_at, job_task_id
   LIMIT $2
),
served AS (
  INSERT INTO task_claim_turn (domain_id, collector_id, claimed_at)
  SELECT domain_id, collector_id, clock_timestamp() FROM chosen GROUP BY domain_id, collector_id
  ON CONFLICT (domain_id, collector_id) DO UPDATE SET claimed_at = excluded.claimed_at
)
UPDATE task_queue q
   SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $3), attempts = q.attempts + 1
  FROM chosen c
 WHERE q.job_task_id = c.job_task_id AND (q.lease_expires_at IS NULL OR q.lease_expires_at < now())
RETURNING q.job_task_id, q.job_id, q.attempts`;

/**
 * The Postgres work queue (task_queue): entries are written with their job, claimed fairly under a
 * lease (see CLAIM), renewed while the task runs, handed back on shutdown, and deleted when the
 * task ends (job-task's TaskStateRepository).
 */
@Injectable()
export class TaskQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the job's transaction: one entry per task, and a wake-up for listening workers on commit. */
  async enqueue(manager: EntityManager, job: QueuedJob, jobTaskIds: string[]): Promise<void> {
    if (jobTaskIds.length === 0) return;
    await manager.query(
      `INSERT INTO task_queue (job_task_id, job_id, domain_id, collector_id, max_running) SELECT unnest($1::text[]), $2, $3, $4, $5`,
      [jobTaskIds, job.job_id, job.domain_id, job.collector_id, job.max_running],
    );
    await manager.query(`SELECT pg_notify($1, '')`, [TASK_QUEUE_CHANNEL]);
  }

  /**
   * Up to `limit` ready entries whose lease is free or expired, now leased to `owner`: fairly
   * across domains (and across the collectors of a domain), never more running than a collector's
   * cap or the domain's quota. Claims are serialised by an advisory lock held for the claim's
   * transaction (a few ms), so that two workers never both take the last free place under a cap.
   */
  async claim(owner: string, limit: number, leaseSeconds: number, limits: ClaimLimits): Promise<ClaimedTask[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [CLAIM_LOCK]);
      // prepared: planning this statement costs more than running it
      return preparedRows<ClaimedTask>(manager, 'task_claim', CLAIM, [owner, limit, leaseSeconds, limits.domainMaxRunning]);
    });
  }

  /** Extends the leases this owner still holds; returns the ids it no longer holds. */
  async renew(owner: string, jobTaskIds: string[], leaseSeconds: number): Promise<string[]> {
    if (jobTaskIds.length === 0) return [];
    const result = await this.dataSource.query(
      `UPDATE task_queue SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE job_task_id = ANY($2::text[]) AND lease_owner = $1
        RETURNING job_task_id`,
      [owner, jobTaskIds, leaseSeconds],
    );
    const held = new Set(sqlRows<{ job_task_id: string }>(result).map((row) => row.job_task_id));
    return jobTaskIds.filter((id) => !held.has(id));
  }

  /**
   * Gives tasks back (shutdown): other workers are woken and may claim them at once, and this run
   * does not count as an attempt. Returns how many were still this owner's.
   */
  async release(owner: string, jobTaskIds: string[]): Promise<number> {
    if (jobTaskIds.length === 0) return 0;
    const result = await this.dataSource.query(
      `WITH released AS (
         UPDATE task_queue SET lease_owner = NULL, lease_expires_at = NULL, attempts = greatest(attempts - 1, 0)
          WHERE job_task_id = ANY($1::text[]) AND lease_owner = $2
          RETURNING job_task_id)
       SELECT count(*)::int AS n, pg_notify($3, '') FROM released`,
      [jobTaskIds, owner, TASK_QUEUE_CHANNEL],
    );
    return sqlRows<{ n: number }>(result)[0]?.n ?? 0;
  }
}
