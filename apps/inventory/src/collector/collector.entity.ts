import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface StoredPluginInfo {
  plugin_id: string;
  version: string;
  options: Record<string, unknown>;
  metadata: Record<string, unknown>;
  upgrade_mode: string;
}

export interface StoredSecretFilter {
  state: string;
  secrets: string[];
  service_accounts: string[];
  schemas: string[];
  exclude_secrets: string[];
  exclude_service_accounts: string[];
  exclude_schemas: string[];
}

export interface StoredSchedule {
  state: string;
  hours: number[];
}

@Entity({ name: 'collector' })
@Index('IDX_collector_domain_workspace', ['domain_id', 'workspace_id'])
@Index('IDX_collector_domain_name', ['domain_id', 'name'])
@Index('IDX_collector_domain_plugin', ['domain_id', 'plugin_id'])
export class CollectorEntity {
  @PrimaryColumn({ type: 'text' })
  collector_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  provider!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  capability!: Record<string, unknown>;

  @Column({ type: 'text' })
  plugin_id!: string;

  @Column({ type: 'jsonb' })
  plugin_info!: StoredPluginInfo;

  @Column({ type: 'jsonb' })
  secret_filter!: StoredSecretFilter;

  @Column({ type: 'jsonb' })
  schedule!: StoredSchedule;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  @Column({ type: 'text' })
  resource_group!: string;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  last_collected_at!: Date | null;
}
