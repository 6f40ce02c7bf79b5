import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { JobEntity } from '../job/job.entity';

export type JobTaskStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE' | 'CANCELED' | 'TIMEOUT';

export interface JobTaskError {
  error_code: string;
  message: string;
  additional: Record<string, unknown>;
}

@Entity({ name: 'job_task' })
@Check('CHK_job_task_status', "status IN ('PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCELED', 'TIMEOUT')")
@Index('IDX_job_task_job', ['job_id', 'secret_id'])
// a fold asks whether a secret's tasks in the job all succeeded: only the others are looked at
@Index('IDX_job_task_job_unsucceeded', ['job_id', 'secret_id'], { where: "status <> 'SUCCESS'" })
@Index('IDX_job_task_domain_created', ['domain_id', 'created_at'])
@Index('IDX_job_task_domain_collector_status', ['domain_id', 'collector_id', 'status'])
// list/stat paths: the tasks of a job, a status filter, newest first
@Index('IDX_job_task_domain_job_created', ['domain_id', 'job_id', 'created_at'])
@Index('IDX_job_task_domain_status_created', ['domain_id', 'status', 'created_at'])
export class JobTaskEntity {
  @PrimaryColumn({ type: 'text' })
  job_task_id!: string;

  @Column({ type: 'text' })
  job_id!: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'FK_job_task_job' })
  job?: JobEntity;

  @Column({ type: 'text' })
  collector_id!: string;

  @Column({ type: 'text' })
  secret_id!: string;

  @Column({ type: 'text', default: 'PENDING' })
  status!: JobTaskStatus;

  @Column({ type: 'text', default: '' })
  provider!: string;

  /** The plugin's get_tasks split this task stands for (null when the collect was not split). */
  @Column({ type: 'jsonb', nullable: true })
  task_options!: Record<string, unknown> | null;

  @Column({ type: 'int', default: 0 })
  created_count!: number;

  @Column({ type: 'int', default: 0 })
  updated_count!: number;

  @Column({ type: 'int', default: 0 })
  failure_count!: number;

  @Column({ type: 'int', default: 0 })
  deleted_count!: number;

  @Column({ type: 'int', default: 0 })
  disconnected_count!: number;

  /** At most TASK_ERROR_LIMIT entries; failure_count keeps the full number. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors!: JobTaskError[];

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  @Column({ type: 'text', default: '' })
  project_id!: string;

  @Column({ type: 'text', default: '' })
  service_account_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  started_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;
}
