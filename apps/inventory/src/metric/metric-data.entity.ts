import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Cloudforet's MetricData: one row per metric, day and group: the value of the metric's query for
 * that group on that UTC day. A day's rows are replaced whole by each run of that day (the last run
 * of a day is its value), so a re-run is idempotent.
 */
@Entity({ name: 'metric_data' })
// a run replaces one day of one metric; analyze reads a metric over a range of days
@Index('IDX_metric_data_metric_date', ['domain_id', 'metric_id', 'created_date'])
export class MetricDataEntity {
  /** Internal (never on the wire): metric data has no id in Cloudforet's API. */
  @PrimaryColumn({ type: 'bigint', generated: 'identity' })
  metric_data_id!: string;

  @Column({ type: 'text' })
  metric_id!: string;

  @Column({ type: 'double precision', default: 0 })
  value!: number;

  @Column({ type: 'text', default: '' })
  unit!: string;

  /** Group name → value of the metric's group_by keys. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels!: Record<string, unknown>;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text', default: '' })
  workspace_id!: string;

  @Column({ type: 'text', default: '' })
  project_id!: string;

  @Column({ type: 'text', default: '' })
  service_account_id!: string;

  @Column({ type: 'text', default: '' })
  namespace_id!: string;

  /** YYYY */
  @Column({ type: 'text' })
  created_year!: string;

  /** YYYY-MM */
  @Column({ type: 'text' })
  created_month!: string;

  /** YYYY-MM-DD (UTC) */
  @Column({ type: 'text' })
  created_date!: string;

  /** When the run that wrote the row ran. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  computed_at!: Date;
}
