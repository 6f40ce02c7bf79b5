import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CollectedResourceEntity, ResourceState } from './collected-resource.entity';

@Entity({ name: 'region' })
// Cloudforet's unique key: one region per code and provider in a workspace. Collects upsert on it;
// it also serves ref_region.* filters of cloud services (one probe per row)
@Index('UQ_region_natural', ['domain_id', 'workspace_id', 'provider', 'region_code'], { unique: true })
// a collect's first probe: the identity its match rules give
@Index('IDX_region_identity', ['identity_key'])
@Index('IDX_region_secondary_keys', ['secondary_keys'], { type: 'gin', where: 'cardinality(secondary_keys) > 0' })
export class RegionEntity extends CollectedResourceEntity {
  @PrimaryColumn({ type: 'text' })
  region_id!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text' })
  region_code!: string;

  @Column({ type: 'text' })
  provider!: string;

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
