import type { ResourceKind } from '../cloud-service/resource-kinds';
import type { JobTaskError } from '../job-task/job-task.entity';

/** A resource ready for its table: validated, with its match keys and content hash. */
export interface ResourceItem {
  kind: ResourceKind;
  /** The row's id when the resource carries it (namespaces, metrics); else ingest makes one. */
  id?: string;
  identity: string;
  secondary: string[];
  /** What two resources of one batch must not share (one statement writes a row once): the identity, or the natural key. */
  batchKey: string;
  contentHash: string;
  /** Column values, named as the table's columns. */
  row: Record<string, unknown>;
  /** The resource's Struct as the plugin encoded it, forwarded as is to a storage plugin. */
  source: Buffer;
}

export interface FailedItem {
  kind: 'failure';
  error: JobTaskError;
}

export type IngestItem = ResourceItem | FailedItem;
