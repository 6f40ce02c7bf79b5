import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ChangeAction = 'CREATE' | 'UPDATE' | 'DELETE';
/** Who made the change: a collect (with collector_id and job_id) or an API caller (user_id). */
export type ChangeAuthor = 'COLLECTOR' | 'USER';

/** One entry of a record's diff: a key at most three levels deep, before and after as text. */
export interface DiffEntry {
  key: string;
  before: string | null;
  after: string | null;
  type: 'ADDED' | 'CHANGED' | 'DELETED';
}

/**
 * A change of one cloud service (Cloudforet's Record, served by ChangeHistory): written by the
 * statement that made the change, in its transaction (ingest's upsert and disconnection, the
 * CloudService API). No workspace of its own: a record is read through its cloud service.
 */
@Entity({ name: 'change_record' })
// ChangeHistory.list/stat read one cloud service's records, newest first
@Index('IDX_change_record_cloud_service', ['cloud_service_id', 'created_at'])
export class ChangeRecordEntity {
  @PrimaryColumn({ type: 'text' })
  record_id!: string;

  @Column({ type: 'text' })
  cloud_service_id!: string;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  action!: ChangeAction;

  /** NULL for CREATE: its entries are derived from created_with when read (change-history.sql.ts). */
  @Column({ type: 'jsonb', nullable: true })
  diff!: DiffEntry[] | null;

  @Column({ type: 'int', nullable: true })
  diff_count!: number | null;

  /** CREATE: the diffed keys of the row as created. */
  @Column({ type: 'jsonb', nullable: true })
  created_with!: Record<string, unknown> | null;

  @Column({ type: 'text' })
  updated_by!: ChangeAuthor;

  @Column({ type: 'text', default: '' })
  collector_id!: string;

  @Column({ type: 'text', default: '' })
  job_id!: string;

  @Column({ type: 'text', default: '' })
  user_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
