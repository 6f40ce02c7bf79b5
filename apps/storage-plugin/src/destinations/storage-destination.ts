import { JsonObject, JsonValue } from '@cloud-inventory/wire';
import { StoragePluginConfig } from '../storage-plugin.config';
import { JobFinished, ResourceBatch } from './export-data';

/** What a destination gets of a request besides `data`: options (incl. `destination`), schema, secret_data. */
export interface DestinationRequest {
  options: JsonObject;
  schema: string;
  /** Credentials for destinations that need them; never log this. */
  secretData: JsonObject;
}

/**
 * Where exports go. One implementation per folder under destinations/; each validates its own
 * options before it writes anything and reports problems as AppErrors (INVALID_ARGUMENT for bad
 * options, FAILED_PRECONDITION when the destination cannot be written).
 */
export interface StorageDestination {
  /** The value of options.destination that picks this destination. */
  readonly name: string;
  /** What init reports about this destination (e.g. its options), merged into the plugin metadata. */
  describe(): JsonValue;
  /** Proves the destination can be written with these options and credentials. */
  verify(request: DestinationRequest): Promise<void>;
  /** Stores one batch. A batch is stored whole or the call fails. */
  writeResources(batch: ResourceBatch, request: DestinationRequest): Promise<void>;
  /** Marks a job complete: after this resolves, readers may take the job's export as final. Idempotent. */
  finishJob(finished: JobFinished, request: DestinationRequest): Promise<void>;
}

/** How a destination folder plugs itself in: see destinations/destination-factories.ts. */
export interface StorageDestinationFactory {
  readonly name: string;
  create(config: StoragePluginConfig): StorageDestination;
}
