import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CollectedResourceEntity } from './collected-resource.entity';

@Entity({ name: 'cloud_service_type' })
@Index('UQ_cloud_service_type_identity', ['identity_key'], { unique: true })
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
}
