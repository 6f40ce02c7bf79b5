import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CollectedResourceEntity } from './collected-resource.entity';

@Entity({ name: 'region' })
@Index('UQ_region_identity', ['identity_key'], { unique: true })
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
}
