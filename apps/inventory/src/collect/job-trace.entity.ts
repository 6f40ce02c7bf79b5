import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { JobEntity } from '../job/job.entity';

/**
 * The trace a job was started in (W3C traceparent), written only when tracing is on: the
 * workers that run its tasks, in any process, continue that trace. Goes with its job.
 */
@Entity({ name: 'job_trace' })
export class JobTraceEntity {
  @PrimaryColumn({ type: 'text' })
  job_id!: string;

  @OneToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'FK_job_trace_job' })
  job?: JobEntity;

  @Column({ type: 'text' })
  trace_parent!: string;
}
