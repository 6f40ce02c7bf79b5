import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DomainResourceEntity } from './domain-resource.entity';

@Entity({ name: 'namespace' })
@Index('UQ_namespace_identity', ['identity_key'], { unique: true })
export class NamespaceEntity extends DomainResourceEntity {
  @PrimaryColumn({ type: 'text' })
  namespace_id!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', default: 'ASSET' })
  category!: string;

  @Column({ type: 'text' })
  resource_type!: string;

  @Column({ type: 'text', default: 'etc' })
  group!: string;

  @Column({ type: 'text', default: '' })
  icon!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  /** The plugin's version; '' for a namespace made through the API. Never on the wire. */
  @Column({ type: 'text', default: '' })
  version!: string;

  /** Sent by a plugin (true), or made through the API (false): a managed one cannot be changed by hand. */
  @Column({ type: 'boolean', default: false })
  is_managed!: boolean;

  @Column({ type: 'text', default: 'DOMAIN' })
  resource_group!: string;

  /** The collector that wrote it last, or "manual". */
  @Column({ type: 'text', default: 'manual' })
  updated_by!: string;

  /** The collector that created it, or "manual". */
  @Column({ type: 'text', default: 'manual' })
  created_by!: string;
}
