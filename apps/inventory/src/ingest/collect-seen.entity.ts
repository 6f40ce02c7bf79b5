import { Entity, PrimaryColumn } from 'typeorm';

/**
 * Which cloud services a job saw for a secret. Lets the end of a successful collect find the
 * resources that disappeared without rewriting every unchanged row. Rows live for one job.
 */
@Entity({ name: 'collect_seen' })
export class CollectSeenEntity {
  @PrimaryColumn({ type: 'text' })
  job_id!: string;

  @PrimaryColumn({ type: 'text' })
  secret_id!: string;

  @PrimaryColumn({ type: 'text' })
  cloud_service_id!: string;
}
