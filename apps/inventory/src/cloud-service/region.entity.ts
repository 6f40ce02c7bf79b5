import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'region' })
@Index('UQ_region_identity', ['identity_key'], { unique: true })
@Index('IDX_region_secondary_keys', ['secondary_keys'], { type: 'gin', where: 'cardinality(secondary_keys) > 0' })
export class RegionEntity {
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

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  @Column({ type: 'text' })
  identity_key!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  secondary_keys!: string[];

  @Column({ type: 'text', default: '' })
  content_hash!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;
}
