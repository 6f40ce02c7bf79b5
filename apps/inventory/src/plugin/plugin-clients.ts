import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { inventoryPlugin } from '@cloud-inventory/proto';
import {
  GRPC_CLIENT_OPTIONS,
  ResourceInfoMessage,
  correlationMetadata,
  decodeResourceInfo,
  encodeExportRequest,
  serviceClientConstructor,
  unaryCall,
} from '@cloud-inventory/grpc';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { pluginCallError } from './plugin-errors';
import { RegisteredPluginEntity } from './registered-plugin.entity';

type JsonObject = Record<string, unknown>;

/** One grpc-js client per plugin endpoint and service, reused across calls and closed at shutdown. */
@Injectable()
export class PluginClients implements OnApplicationShutdown {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(@Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig) {}

  private client(surface: 'collectorPlugin' | 'storagePlugin', service: string, endpoint: string): grpc.Client {
    const key = `${service}@${endpoint}`;
    let client = this.clients.get(key);
    if (!client) {
      const Client = serviceClientConstructor(surface, service);
      client = new Client(endpoint, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
      this.clients.set(key, client);
    }
    return client;
  }

  collector(plugin: RegisteredPluginEntity): CollectorPluginClient {
    return new CollectorPluginClient(
      plugin,
      this.client('collectorPlugin', 'spaceone.api.inventory.plugin.Collector', plugin.endpoint),
      this.client('collectorPlugin', 'spaceone.api.inventory.plugin.Job', plugin.endpoint),
      this.config.pluginCallDeadlineMs,
    );
  }

  storage(plugin: RegisteredPluginEntity): StoragePluginClient {
    return new StoragePluginClient(
      plugin,
      this.client('storagePlugin', 'spaceone.api.inventory.plugin.Storage', plugin.endpoint),
      this.config.pluginCallDeadlineMs,
    );
  }

  onApplicationShutdown(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** spaceone.api.inventory.plugin.Collector (+ Job.get_tasks) of one plugin. */
export class CollectorPluginClient {
  constructor(
    readonly plugin: RegisteredPluginEntity,
    private readonly collectorClient: grpc.Client,
    private readonly jobClient: grpc.Client,
    private readonly deadlineMs: number,
  ) {}

  private async call<T>(client: grpc.Client, method: string, request: unknown, secrets: string[], correlationId: string): Promise<T> {
    try {
      return await unaryCall<unknown, T>(client, method, request, {
        deadlineMs: this.deadlineMs,
        metadata: correlationMetadata(correlationId),
      });
    } catch (error) {
      throw pluginCallError(this.plugin.plugin_id, this.plugin.endpoint, method, error, secrets);
    }
  }

  async init(options: JsonObject, correlationId: string): Promise<JsonObject> {
    const info = await this.call<inventoryPlugin.PluginInfo>(this.collectorClient, 'init', { options }, [], correlationId);
    return (info.metadata ?? {}) as JsonObject;
  }

  async verify(options: JsonObject, secretData: JsonObject, secrets: string[], correlationId: string): Promise<void> {
    await this.call(this.collectorClient, 'verify', { options, secret_data: secretData }, secrets, correlationId);
  }

  /**
   * The plugin's split of a collect into tasks, or null when it offers none. Like Cloudforet,
   * any failure here (no Job service, unreachable, an error) means one task for the secret:
   * the task then meets the real problem, if any, and ends with it.
   */
  async getTasks(options: JsonObject, secretData: JsonObject, correlationId: string): Promise<JsonObject[] | null> {
    try {
      const tasks = await unaryCall<unknown, inventoryPlugin.TasksInfo>(
        this.jobClient,
        'get_tasks',
        { options, secret_data: secretData },
        { deadlineMs: this.deadlineMs, metadata: correlationMetadata(correlationId) },
      );
      const list = (tasks.tasks ?? []).map((task) => (task.task_options ?? {}) as JsonObject);
      return list.length > 0 ? list : null;
    } catch {
      return null;
    }
  }

  /**
   * The server stream of ResourceInfo, decoded by the fast Struct reader (it keeps each
   * resource's bytes); the caller iterates it, which applies backpressure, and may cancel it.
   */
  collect(
    request: { options: JsonObject; secret_data: JsonObject; filter: JsonObject; task_options: JsonObject | null },
    deadlineMs: number,
    correlationId: string,
  ): grpc.ClientReadableStream<ResourceInfoMessage> {
    const body: Record<string, unknown> = {
      options: request.options,
      secret_data: request.secret_data,
      filter: request.filter,
    };
    if (request.task_options) body['task_options'] = request.task_options;
    return this.collectorClient.makeServerStreamRequest(
      COLLECT.path,
      COLLECT.requestSerialize,
      decodeResourceInfo,
      body,
      correlationMetadata(correlationId),
      { deadline: Date.now() + deadlineMs },
    );
  }
}

const COLLECT = (serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector') as unknown as {
  service: { collect: { path: string; requestSerialize: (value: unknown) => Buffer } };
}).service.collect;

const EXPORT_PATH = '/spaceone.api.inventory.plugin.Storage/export';

/** spaceone.api.inventory.plugin.Storage of one plugin. */
export class StoragePluginClient {
  constructor(
    readonly plugin: RegisteredPluginEntity,
    private readonly client: grpc.Client,
    private readonly deadlineMs: number,
  ) {}

  private async call<T>(method: string, request: unknown, correlationId: string): Promise<T> {
    try {
      return await unaryCall<unknown, T>(this.client, method, request, {
        deadlineMs: this.deadlineMs,
        metadata: correlationMetadata(correlationId),
      });
    } catch (error) {
      throw pluginCallError(this.plugin.plugin_id, this.plugin.endpoint, method, error);
    }
  }

  async init(options: JsonObject, correlationId: string): Promise<JsonObject> {
    const info = await this.call<inventoryPlugin.StoragePluginInfo>('init', { options }, correlationId);
    return (info.metadata ?? {}) as JsonObject;
  }

  async export(options: JsonObject, data: JsonObject, correlationId: string): Promise<void> {
    await this.call('export', { options, schema: '', secret_data: {}, data }, correlationId);
  }

  /**
   * An export of collected resources, sent as they came from the collector plugin: their Struct
   * bytes go into the request unchanged, so nothing is decoded or encoded again.
   */
  exportResources(options: JsonObject, header: JsonObject, resources: Buffer[], correlationId: string): Promise<void> {
    const request = encodeExportRequest(options, header, resources);
    return new Promise<void>((resolve, reject) => {
      this.client.makeUnaryRequest(
        EXPORT_PATH,
        (buffer: Buffer) => buffer,
        () => undefined,
        request,
        correlationMetadata(correlationId),
        { deadline: Date.now() + this.deadlineMs },
        (error) => (error ? reject(pluginCallError(this.plugin.plugin_id, this.plugin.endpoint, 'export', error)) : resolve()),
      );
    });
  }
}
