import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobStatus = 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE' | 'CANCELED' | 'TIMEOUT';

/** How a job was started (ours): a Collector.collect call, or the collector's schedule. */
export type JobTrigger = 'API' | 'SCHEDULE';

@Entity({ name: 'job' })
@Check('CHK_job_counters', 'remained_tasks >= 0 AND success_tasks + failure_tasks + remained_tasks = total_tasks')
@Check('CHK_job_status', "status IN ('IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCELED', 'TIMEOUT')")
@Check('CHK_job_trigger', "trigger IN ('API', 'SCHEDULE')")
@Index('IDX_job_domain_collector_status', ['domain_id', 'collector_id', 'status'])
@Index('IDX_job_domain_created', ['domain_id', 'created_at'])
// list/stat paths: a status filter, a workspace, newest first
@Index('IDX_job_domain_status_created', ['domain_id', 'status', 'created_at'])
@Index('IDX_job_domain_workspace_created', ['domain_id', 'workspace_id', 'created_at'])
// the timeout sweep: running jobs past their deadline
@Index('IDX_job_running_deadline', ['deadline_at'], { where: "status = 'IN_PROGRESS'" })
// at most one running job per collector and request (Cloudforet's duplicate-job key), race-free
@Index('UQ_job_running_per_collector', ['collector_id', 'request_secret_id', 'request_workspace_id'], {
  unique: true,
  where: "status = 'IN_PROGRESS'",
})
// one job per collector and schedule slot, whichever scheduler replica starts it
@Index('UQ_job_schedule_slot', ['collector_id', 'scheduled_at'], { unique: true, where: 'scheduled_at IS NOT NULL' })
// retention: the oldest jobs first, across domains
@Index('IDX_job_created', ['created_at'])
export class JobEntity {
  @PrimaryColumn({ type: 'text' })
  job_id!: string;

  @Column({ type: 'text', default: 'IN_PROGRESS' })
  status!: JobStatus;

  @Column({ type: 'int', default: 0 })
  total_tasks!: number;

  @Column({ type: 'int', default: 0 })
  remained_tasks!: number;

  @Column({ type: 'int', default: 0 })
  success_tasks!: number;

  @Column({ type: 'int', default: 0 })
  failure_tasks!: number;

  /** '' when the collect named no secret (NULLs would never collide in the unique index). */
  @Column({ type: 'text', default: '' })
  request_secret_id!: string;

  @Column({ type: 'text', default: '' })
  request_workspace_id!: string;

  @Column({ type: 'text' })
  resource_group!: string;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  @Column({ type: 'text' })
  collector_id!: string;

  @Column({ type: 'text' })
  plugin_id!: string;

  @Column({ type: 'text', default: 'API' })
  trigger!: JobTrigger;

  /** The schedule slot a SCHEDULE job fired for. */
  @Column({ type: 'timestamptz', nullable: true })
  scheduled_at!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;

  /**
   * A job still running at this time ends TIMEOUT: created_at + the collector's job_timeout (or
   * JOB_TIMEOUT_SECONDS), set by JobRepository.insert; a row written without it gets Cloudforet's 2 hours.
   */
  @Column({ type: 'timestamptz', default: () => "(now() + '02:00:00')" })
  deadline_at!: Date;
}
