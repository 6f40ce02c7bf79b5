import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What retention removed in one run, per kind. */
export interface RetentionCounts {
  /** Jobs deleted (older than RETENTION_JOB_DAYS), and their tasks. */
  jobs: number;
  job_tasks: number;
  /** Cloud services DELETED longer than RETENTION_DELETED_RESOURCE_DAYS, removed for good. */
  cloud_services: number;
  /** Types and regions no collect saw for RETENTION_TYPE_HOURS / RETENTION_REGION_HOURS, now DELETED. */
  cloud_service_types: number;
  regions: number;
}

/** Retention's last run, shared by every replica: when it ran (so it runs once per interval) and what it removed. */
@Entity({ name: 'retention_run' })
export class RetentionRunEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'timestamptz' })
  last_started_at!: Date;

  @Column({ type: 'timestamptz' })
  last_finished_at!: Date;

  /** The replica that ran it. */
  @Column({ type: 'text' })
  last_owner!: string;

  @Column({ type: 'jsonb' })
  last_removed!: RetentionCounts;
}
