import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { JobTaskEntity } from './job-task.entity';

/**
 * The work queue: one row per job task still to run, written in the same transaction as the job.
 * Workers claim rows (one claim at a time, fairly across domains and collectors, within their
 * caps) and hold a lease they renew while working; a row whose lease expired (its worker died) is
 * claimed again. Finishing a task deletes its row. The task's domain, collector and cap are copied
 * here so that a claim reads this table alone.
 */
@Entity({ name: 'task_queue' })
// claims: one index probe per (domain, collector) with queued tasks, oldest first within each (in
// the claim's full order: a job's tasks share created_at, and without job_task_id they were sorted)
@Index('IDX_task_queue_claim', ['domain_id', 'collector_id', 'run_after', 'created_at', 'job_task_id'])
// running leases, counted per domain and collector by each claim
@Index('IDX_task_queue_lease', ['lease_expires_at'], { where: 'lease_owner IS NOT NULL' })
// stopping a job (cancel, supersede, timeout) takes its entries off
@Index('IDX_task_queue_job', ['job_id'])
export class TaskQueueEntity {
  @PrimaryColumn({ type: 'text' })
  job_task_id!: string;

  @OneToOne(() => JobTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_task_id', foreignKeyConstraintName: 'FK_task_queue_job_task' })
  job_task?: JobTaskEntity;

  @Column({ type: 'text' })
  job_id!: string;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  collector_id!: string;

  /** The most tasks of its collector that may run at once (the collector's max_running_tasks, the plugin's concurrency); null: no cap. */
  @Column({ type: 'int', nullable: true })
  max_running!: number | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  run_after!: Date;

  @Column({ type: 'text', nullable: true })
  lease_owner!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lease_expires_at!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}

/**
 * When a collector's task was last claimed, per domain: claims take turns between collectors with
 * as many tasks running, least recently served first, so that 100 jobs started at once all start
 * within a round of claims instead of one after another. One row per collector that ever had a
 * task claimed (rows of deleted collectors go with retention).
 */
@Entity({ name: 'task_claim_turn' })
export class TaskClaimTurnEntity {
  @PrimaryColumn({ type: 'text' })
  domain_id!: string;

  @PrimaryColumn({ type: 'text' })
  collector_id!: string;

  @Column({ type: 'timestamptz' })
  claimed_at!: Date;
}
