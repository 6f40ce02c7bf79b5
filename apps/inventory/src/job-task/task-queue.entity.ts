import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { JobTaskEntity } from './job-task.entity';

/**
 * The work queue: one row per job task still to run, written in the same transaction as the job.
 * Workers claim rows with FOR UPDATE SKIP LOCKED and hold a lease they renew while working; a
 * row whose lease expired (its worker died) is claimed again. Finishing a task deletes its row.
 */
@Entity({ name: 'task_queue' })
@Index('IDX_task_queue_ready', ['run_after', 'lease_expires_at'])
export class TaskQueueEntity {
  @PrimaryColumn({ type: 'text' })
  job_task_id!: string;

  @OneToOne(() => JobTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_task_id', foreignKeyConstraintName: 'FK_task_queue_job_task' })
  job_task?: JobTaskEntity;

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
