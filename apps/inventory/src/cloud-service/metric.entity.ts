import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DomainResourceEntity } from './domain-resource.entity';

@Entity({ name: 'metric' })
@Index('UQ_metric_identity', ['identity_key'], { unique: true })
// Metric.list's default order, and the metrics of a namespace
@Index('IDX_metric_domain_namespace', ['domain_id', 'namespace_id', 'name'])
export class MetricEntity extends DomainResourceEntity {
  @PrimaryColumn({ type: 'text' })
  metric_id!: string;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', default: 'GAUGE' })
  metric_type!: string;

  @Column({ type: 'text' })
  resource_type!: string;

  /** Cloudforet's query_options: a core.v2 AnalyzeQuery over resource_type. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  query_options!: Record<string, unknown>;

  @Column({ type: 'text', default: '' })
  date_field!: string;

  @Column({ type: 'text', default: '' })
  unit!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  @Column({ type: 'text', default: '' })
  namespace_id!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  labels_info!: Record<string, unknown>[];

  @Column({ type: 'text', default: '' })
  version!: string;

  @Column({ type: 'boolean', default: false })
  is_managed!: boolean;

  @Column({ type: 'text', default: 'DOMAIN' })
  resource_group!: string;

  @Column({ type: 'text', default: 'manual' })
  updated_by!: string;

  /** The collector that created it, or "manual". */
  @Column({ type: 'text', default: 'manual' })
  created_by!: string;

  @Column({ type: 'text', default: '' })
  computed_date!: string;
}
