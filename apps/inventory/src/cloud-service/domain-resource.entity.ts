import { Column, PrimaryColumn } from 'typeorm';

/**
 * The columns of a kind upserted by its own id (namespaces, metrics): the same as every resource
 * table's (SHARED_COLUMNS of resource-kind.ts), but the id is the plugin's, unique per domain as in
 * Cloudforet, so the primary key is (domain_id, id) and domain_id is part of it.
 */
export abstract class DomainResourceEntity {
  @PrimaryColumn({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  /** Hash of the domain, "*" and the id (match-rules.ts): a collect's one probe and its ON CONFLICT target. */
  @Column({ type: 'text' })
  identity_key!: string;

  /** Always empty: such a row has no other keys. Kept so that every resource table has the same shared columns. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  secondary_keys!: string[];

  /** Hash of the version the plugin last sent: another version rewrites the row. */
  @Column({ type: 'text', default: '' })
  content_hash!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;
}
