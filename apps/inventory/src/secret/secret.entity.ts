import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'secret' })
@Index('IDX_secret_domain_provider', ['domain_id', 'provider'])
@Index('IDX_secret_domain_workspace', ['domain_id', 'workspace_id'])
export class SecretEntity {
  @PrimaryColumn({ type: 'text' })
  secret_id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'ENABLED' })
  state!: string;

  @Column({ type: 'text', default: '' })
  schema_id!: string;

  @Column({ type: 'text', default: '' })
  provider!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  tags!: Record<string, unknown>;

  /** AES-256-GCM of the JSON secret data, bound to its domain and secret, with its key id (see SecretCipher). */
  @Column({ type: 'bytea' })
  encrypted_data!: Buffer;

  @Column({ type: 'text' })
  resource_group!: string;

  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  @Column({ type: 'text', default: '' })
  project_id!: string;

  @Column({ type: 'text', default: '' })
  service_account_id!: string;

  @Column({ type: 'text', default: '' })
  trusted_secret_id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;
}
