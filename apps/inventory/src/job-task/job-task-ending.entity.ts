import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JobEntity } from '../job/job.entity';

/**
 * Task endings not yet counted on their job (append-only). Ending a task moves the task once and
 * adds a row here, without touching the job's row; whoever gets the job's row next (SKIP LOCKED)
 * folds the rows into the job's counters and final status, set-based, and deletes them. So the
 * endings of one job never wait for each other, and each is counted exactly once.
 */
@Entity({ name: 'job_task_ending' })
@Index('IDX_job_task_ending_job', ['job_id'])
export class JobTaskEndingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  ending_id!: string;

  @Column({ type: 'text' })
  job_id!: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'FK_job_task_ending_job' })
  job?: JobEntity;

  @Column({ type: 'text' })
  job_task_id!: string;

  @Column({ type: 'text' })
  secret_id!: string;

  /** The task ended SUCCESS (else FAILURE, TIMEOUT or CANCELED). */
  @Column({ type: 'boolean' })
  succeeded!: boolean;

  /** The task's finished_at: the time a disconnection after its secret's last task is dated. */
  @Column({ type: 'timestamptz' })
  finished_at!: Date;
}
