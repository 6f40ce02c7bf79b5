import { inventoryPlugin } from '@cloud-inventory/proto';

export type JsonObject = Record<string, unknown>;

/** What init returns as PluginInfo.metadata (Cloudforet keys: supported_resource_type, options_schema, ...). */
export type CollectorPluginMetadata = JsonObject;

/** The arguments of one collect, as the Collector.collect request carries them. */
export interface CollectParams {
  options: JsonObject;
  secret_data: JsonObject;
  /** Cloudforet's inventory always sends {}. */
  filter: JsonObject;
  /** One entry of getTasks' result, or undefined for an un-split collect. */
  task_options: JsonObject | undefined;
}

/**
 * One source of resources behind the plugin's gRPC surface. Each source lives in its own folder
 * under providers/ and is listed once in collector-providers.ts. Implementations validate their
 * own options and secret_data and throw AppError.invalid(...) naming the bad key, never echoing
 * secret values.
 */
export interface CollectorProvider {
  /** The value of options.source that selects this provider. */
  readonly source: string;

  /** Validates options and describes the plugin (Collector.init). */
  init(options: JsonObject): CollectorPluginMetadata | Promise<CollectorPluginMetadata>;

  /** Validates options and secret_data (Collector.verify). */
  verify(options: JsonObject, secretData: JsonObject): void | Promise<void>;

  /** Splits a collect into tasks (Job.get_tasks); without it get_tasks answers UNIMPLEMENTED, which the inventory reads as one un-split task. */
  getTasks?(options: JsonObject, secretData: JsonObject): JsonObject[] | Promise<JsonObject[]>;

  /**
   * The resources of one collect (Collector.collect). Must validate synchronously (throw before
   * returning) and produce lazily: the iterable is pulled one message at a time as the client
   * reads, and `return()` is called when the client cancels.
   */
  collect(params: CollectParams): AsyncIterable<inventoryPlugin.ResourceInfo>;
}

/** Injection token of the list of CollectorProvider instances. */
export const COLLECTOR_PROVIDERS = Symbol('COLLECTOR_PROVIDERS');
