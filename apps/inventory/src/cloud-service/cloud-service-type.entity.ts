import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CollectedResourceEntity, ResourceState } from './collected-resource.entity';

@Entity({ name: 'cloud_service_type' })
// Cloudforet's unique key: one type per name, group and provider in a workspace. Collects upsert on
// it; it also serves ref_cloud_service_type.* filters of cloud services (one probe per row)
@Index('UQ_cloud_service_type_natural', ['domain_id', 'workspace_id', 'provider', 'group', 'name'], { unique: true })
// a collect's first probe: the identity its match rules give
@Index('IDX_cloud_service_type_identity', ['identity_key'])
@Index('IDX_cloud_service_type_secondary_keys', ['secondary_keys'], { type: 'gin', where: 'cardinality(secondary_keys) > 0' })
export class CloudServiceTypeEntity extends CollectedResourceEntity {
  @PrimaryColumn({ type: 'text' })
  cloud_service_type_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  group!: string;

  @Column({ type: 'text', default: '' })
  service_code!: string;

  @Column({ type: 'boolean', default: false })
  is_primary!: boolean;

  @Column({ type: 'boolean', default: false })
  is_major!: boolean;

  @Column({ type: 'text', default: '' })
  resource_type!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  labels!: unknown[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  @Column({ type: 'text', default: 'manual' })
  updated_by!: string;

  /** ACTIVE, or DELETED when no collect has seen it for a while (retention); a collect that sees it again revives it. */
  @Column({ type: 'text', default: 'ACTIVE' })
  state!: ResourceState;

  @Column({ type: 'timestamptz', nullable: true })
  deleted_at!: Date | null;
}
