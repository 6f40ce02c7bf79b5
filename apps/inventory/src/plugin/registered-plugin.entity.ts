import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PluginServiceType = 'COLLECTOR' | 'STORAGE';

/** Where a plugin listens. System-wide (not per domain): plugins are infrastructure. */
@Entity({ name: 'registered_plugin' })
export class RegisteredPluginEntity {
  @PrimaryColumn({ type: 'text' })
  plugin_id!: string;

  @Column({ type: 'text' })
  endpoint!: string;

  @Column({ type: 'text' })
  service_type!: PluginServiceType;

  @Column({ type: 'text', default: '' })
  name!: string;

  @Column({ type: 'text', default: '' })
  version!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  @Column({ type: 'text' })
  registered_by!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;
}
