import { Column } from 'typeorm';

/** The state of a type or region (cloud services add DISCONNECTED). */
export type ResourceState = 'ACTIVE' | 'DELETED';

/**
 * The columns every resource table has (SHARED_COLUMNS of resource-kind.ts): who it belongs to,
 * how a collect finds it again, and when. Not a table of its own.
 */
export abstract class CollectedResourceEntity {
  @Column({ type: 'text' })
  domain_id!: string;

  @Column({ type: 'text' })
  workspace_id!: string;

  /** Hash of the domain, workspace and first usable match rule's keys and values (see cloud-service/match-rules.ts). */
  @Column({ type: 'text' })
  identity_key!: string;

  /** Hashes of the lower-priority match rules, tried when the identity matches nothing. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  secondary_keys!: string[];

  /** Hash of the resource as the plugin last sent it: an unchanged resource is not rewritten. */
  @Column({ type: 'text', default: '' })
  content_hash!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at!: Date;
}
