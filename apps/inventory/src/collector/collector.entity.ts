import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface StoredPluginInfo {
  plugin_id: string;
  version: string;
  options: Record<string, unknown>;
  metadata: Record<string, unknown>;
  upgrade_mode: string;
}

export interface StoredSecretFilter {
  state: string;
  secrets: string[];
  service_accounts: string[];
  schemas: string[];
  exclude_secrets: string[];
  exclude_service_accounts: string[];
  exclude_schemas: string[];
}

/**
 * A collector's schedule as stored: Cloudforet's `hours` (UTC hours of the day), or our `cron`
 * (five fields) read in `timezone` (IANA, default UTC); never both. `cron`/`timezone` are absent
 * when unset, so hours-only schedules keep Cloudforet's shape. Checked by collector-schedule.ts.
 */
export interface StoredSchedule {
  state: string;
  hours: number[];
  cron?: string;
  timezone?: string;
}

/** The schedule's state columns: written by the scheduler's SQL only, never by save(). */
const SCHEDULER_WRITES = { insert: false, update: false } as const;

@Entity({ name: 'collector' })
@Index('IDX_collector_domain_workspace', ['domain_id', 'workspace_id'])
@Index('IDX_collector_domain_name', ['domain_id', 'name'])
@Index('IDX_collector_domain_plugin', ['domain_id', 'plugin_id'])
// the scheduler's due-slot lookup
@Index('IDX_collector_schedule_due', ['schedule_next_run_at'], { where: 'schedule_next_run_at IS NOT NULL' })
export class CollectorEntity {
  @PrimaryColumn({ type: 'text' })
  collector_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  provider!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  capability!: Record<string, unknown>;

  @Column({ type: 'text' })
  plugin_id!: string;

  @Column({ type: 'jsonb' })
  plugin_info!: StoredPluginInfo;

  @Column({ type: 'jsonb' })
  secret_filter!: StoredSecretFilter;

  @Column({ type: 'jsonb' })
  schedule!: StoredSchedule;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  @Column({ type: 'text' })
  resource_group!: string;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  last_collected_at!: Date | null;

  // How the schedule fires (scheduler/): the schedule the next slot was planned from (a changed
  // schedule is planned again), the next slot, the scheduler replica holding it, and what happened.

  @Column({ type: 'jsonb', nullable: true, ...SCHEDULER_WRITES })
  schedule_planned!: StoredSchedule | null;

  @Column({ type: 'timestamptz', nullable: true, ...SCHEDULER_WRITES })
  schedule_next_run_at!: Date | null;

  @Column({ type: 'text', nullable: true, ...SCHEDULER_WRITES })
  schedule_claimed_by!: string | null;

  @Column({ type: 'timestamptz', nullable: true, ...SCHEDULER_WRITES })
  schedule_claim_expires_at!: Date | null;

  /** The last slot handled: a job started, or the slot skipped. */
  @Column({ type: 'timestamptz', nullable: true, ...SCHEDULER_WRITES })
  schedule_last_run_at!: Date | null;

  @Column({ type: 'text', nullable: true, ...SCHEDULER_WRITES })
  schedule_last_job_id!: string | null;

  /** Slots skipped because a job of the collector was still running. */
  @Column({ type: 'int', default: 0, ...SCHEDULER_WRITES })
  schedule_skipped_count!: number;

  @Column({ type: 'timestamptz', nullable: true, ...SCHEDULER_WRITES })
  schedule_last_skipped_at!: Date | null;

  /** Why the last slot started no job (the collect's error); NULL when it started one or was skipped. */
  @Column({ type: 'text', nullable: true, ...SCHEDULER_WRITES })
  schedule_last_error!: string | null;
  /** Seconds a job of this collector may run before it ends TIMEOUT; null: JOB_TIMEOUT_SECONDS. */
  @Column({ type: 'int', nullable: true })
  job_timeout!: number | null;

  /** The most tasks of this collector running at once, across all workers; null: no limit of its own. */
  @Column({ type: 'int', nullable: true })
  max_running_tasks!: number | null;
}
