import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CollectedResourceEntity } from './collected-resource.entity';

export type CloudServiceState = 'ACTIVE' | 'DISCONNECTED' | 'DELETED';

@Entity({ name: 'cloud_service' })
// the identity of a resource: its first usable match rule hashed with its domain and workspace,
// unique among live rows; lookups by identity or by a secondary key need no other condition
@Index('UQ_cloud_service_identity', ['identity_key'], {
  unique: true,
  where: "state <> 'DELETED'",
})
// most resources have one match rule: only those with lower-priority keys are in the GIN index
@Index('IDX_cloud_service_secondary_keys', ['secondary_keys'], { type: 'gin', where: 'cardinality(secondary_keys) > 0' })
@Index('IDX_cloud_service_collection', ['collector_id', 'secret_id'])
// retention: the rows DELETED longest ago
@Index('IDX_cloud_service_deleted', ['deleted_at'], { where: "state = 'DELETED'" })
// list counts and stats: the keys users filter and group by, in one narrow btree, so that a total_count or a
// group by over them is an index-only scan (deduplicated: one entry per distinct combination of keys); the
// console's groupings (cloud_service_group, region_code) lead, so a stat by them needs no sort
@Index('IDX_cloud_service_domain_keys', [
  'domain_id',
  'cloud_service_group',
  'region_code',
  'provider',
  'cloud_service_type',
  'account',
  'state',
  'workspace_id',
  'project_id',
])
// list paths: the default order (created_at) within a domain
@Index('IDX_cloud_service_domain_created', ['domain_id', 'created_at'])
// filters on data.* / tags.* (the query compiler's @? and @> tests); jsonb_path_ops, set in the migration
// present or not by CLOUD_SERVICE_DATA_INDEX (database/data-index.ts), so not synchronised from here
@Index('IDX_cloud_service_data', { synchronize: false })
@Index('IDX_cloud_service_tags', ['tags'], { type: 'gin' })
export class CloudServiceEntity extends CollectedResourceEntity {
  @PrimaryColumn({ type: 'text' })
  cloud_service_id!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', default: 'ACTIVE' })
  state!: CloudServiceState;

  @Column({ type: 'text', default: '' })
  account!: string;

  @Column({ type: 'text', default: '' })
  instance_type!: string;

  @Column({ type: 'double precision', default: 0 })
  instance_size!: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  ip_addresses!: string[];

  @Column({ type: 'text' })
  cloud_service_type!: string;

  @Column({ type: 'text' })
  cloud_service_group!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text', default: '' })
  region_code!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  reference!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  @Column({ type: 'text', default: '' })
  collector_id!: string;

  @Column({ type: 'text', default: '' })
  secret_id!: string;

  @Column({ type: 'text', default: '' })
  service_account_id!: string;

  @Column({ type: 'text', default: '' })
  project_id!: string;

  /**
   * The job that last wrote this row. With collect_seen (the rows a job saw but did not rewrite,
   * being unchanged) it tells which resources a job did not see, without a write per resource.
   */
  @Column({ type: 'text', nullable: true })
  collected_by_job!: string | null;

  /** Successful collects in a row that did not see this resource. */
  @Column({ type: 'int', default: 0 })
  disconnected_count!: number;

  @Column({ type: 'timestamptz', nullable: true })
  last_collected_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deleted_at!: Date | null;
}
