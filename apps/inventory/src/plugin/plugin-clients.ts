import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { inventoryPluginGrpc } from '@cloud-inventory/proto';
import { GRPC_CLIENT_OPTIONS, UnaryCallOptions, UnaryClient, correlationMetadata, unaryClient, whenChannelReady } from '@cloud-inventory/grpc';
import { injectTraceContext } from '@cloud-inventory/observability';
import { ResourceInfoMessage, decodeResourceInfo, encodeExportRequest } from '@cloud-inventory/wire';
import { readFileSync } from 'node:fs';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { countPluginCallError } from './plugin-call.metrics';
import { PluginEndpointPolicy } from './plugin-endpoint-policy';
import { pluginCallError } from './plugin-errors';
import { RegisteredPluginEntity } from './registered-plugin.entity';

type JsonObject = Record<string, unknown>;

const { CollectorService, JobService, StorageService } = inventoryPluginGrpc;

/** A plugin call's metadata: the correlation id, and the trace context when tracing is on. */
function callMetadata(correlationId: string): grpc.Metadata {
  const metadata = correlationMetadata(correlationId);
  injectTraceContext(metadata);
  return metadata;
}

/**
 * One grpc-js channel per plugin endpoint, shared by every service and call to it, closed at
 * shutdown. Unary calls go through clients typed by the generated service definitions; the
 * collect stream and the export of collected resources use the hand-written codec.
 */
@Injectable()
export class PluginClients implements OnApplicationShutdown {
  private readonly channels = new Map<string, grpc.Client>();
  private readonly endpoints: PluginEndpointPolicy;
  private readonly credentials: grpc.ChannelCredentials;

  constructor(@Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig) {
    this.endpoints = PluginEndpointPolicy.fromConfig(config);
    // with PLUGIN_TLS_CA_FILE every plugin is called over TLS, its certificate verified with that CA
    const ca = config.tls.pluginCaFile;
    this.credentials = ca ? grpc.credentials.createSsl(readFileSync(ca)) : grpc.credentials.createInsecure();
  }

  private channel(endpoint: string): grpc.Client {
    // checked again at each use: a row registered before the allow-list changed is not trusted
    this.endpoints.check(endpoint);
    let channel = this.channels.get(endpoint);
    if (!channel) {
      channel = new grpc.Client(endpoint, this.credentials, GRPC_CLIENT_OPTIONS);
      this.channels.set(endpoint, channel);
    }
    return channel;
  }

  collector(plugin: RegisteredPluginEntity): CollectorPluginClient {
    return new CollectorPluginClient(plugin, this.channel(plugin.endpoint), this.config.pluginCallDeadlineMs);
  }

  storage(plugin: RegisteredPluginEntity): StoragePluginClient {
    return new StoragePluginClient(plugin, this.channel(plugin.endpoint), this.config.pluginCallDeadlineMs);
  }

  onApplicationShutdown(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}

/** spaceone.api.inventory.plugin.Collector (+ Job.get_tasks) of one plugin. */
export class CollectorPluginClient {
  private readonly collector: UnaryClient<typeof CollectorService>;
  private readonly job: UnaryClient<typeof JobService>;

  constructor(
    readonly plugin: RegisteredPluginEntity,
    private readonly channel: grpc.Client,
    private readonly deadlineMs: number,
  ) {
    this.collector = unaryClient(channel, CollectorService);
    this.job = unaryClient(channel, JobService);
  }

  private callOptions(correlationId: string): UnaryCallOptions {
    return { deadlineMs: this.deadlineMs, metadata: callMetadata(correlationId) };
  }

  /**
   * Resolves when the channel can carry a call now, or after one reconnect backoff: a plugin that
   * was restarted is reached, not reported unreachable because the channel still backed off.
   */
  whenReachable(): Promise<void> {
    return whenChannelReady(this.channel);
  }

  /** A call's failure as our error; `method` only names the call in the message. */
  private async failingAs<T>(method: 'init' | 'verify', call: () => Promise<T>, secrets: string[]): Promise<T> {
    try {
      await this.whenReachable();
      return await call();
    } catch (error) {
      countPluginCallError(this.plugin.plugin_id, method, error);
      throw pluginCallError(this.plugin.plugin_id, this.plugin.endpoint, method, error, secrets);
    }
  }

  async init(options: JsonObject, correlationId: string): Promise<JsonObject> {
    const info = await this.failingAs('init', () => this.collector.init({ options }, this.callOptions(correlationId)), []);
    return info.metadata ?? {};
  }

  async verify(options: JsonObject, secretData: JsonObject, secrets: string[], correlationId: string): Promise<void> {
    await this.failingAs('verify', () => this.collector.verify({ options, secret_data: secretData }, this.callOptions(correlationId)), secrets);
  }

  /**
   * The plugin's split of a collect into tasks, or null when it offers none. Like Cloudforet,
   * any failure here (no Job service, unreachable, an error) means one task for the secret:
   * the task then meets the real problem, if any, and ends with it.
   */
  async getTasks(options: JsonObject, secretData: JsonObject, correlationId: string): Promise<JsonObject[] | null> {
    try {
      await this.whenReachable();
      const tasks = await this.job.getTasks({ options, secret_data: secretData, task_filter: undefined }, this.callOptions(correlationId));
      const list = tasks.tasks.map((task) => task.task_options ?? {});
      return list.length > 0 ? list : null;
    } catch (error) {
      countPluginCallError(this.plugin.plugin_id, 'get_tasks', error);
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
    return this.channel.makeServerStreamRequest(
      CollectorService.collect.path,
      CollectorService.collect.requestSerialize,
      decodeResourceInfo,
      { ...request, task_options: request.task_options ?? undefined },
      callMetadata(correlationId),
      { deadline: Date.now() + deadlineMs },
    );
  }
}

/** spaceone.api.inventory.plugin.Storage of one plugin. */
export class StoragePluginClient {
  private readonly storage: UnaryClient<typeof StorageService>;

  constructor(
    readonly plugin: RegisteredPluginEntity,
    private readonly channel: grpc.Client,
    private readonly deadlineMs: number,
  ) {
    this.storage = unaryClient(channel, StorageService);
  }

  private callOptions(correlationId: string): UnaryCallOptions {
    return { deadlineMs: this.deadlineMs, metadata: callMetadata(correlationId) };
  }

  private async failingAs<T>(method: 'init' | 'export', call: () => Promise<T>): Promise<T> {
    try {
      await whenChannelReady(this.channel);
      return await call();
    } catch (error) {
      countPluginCallError(this.plugin.plugin_id, method, error);
      throw pluginCallError(this.plugin.plugin_id, this.plugin.endpoint, method, error);
    }
  }

  async init(options: JsonObject, correlationId: string): Promise<JsonObject> {
    const info = await this.failingAs('init', () => this.storage.init({ options }, this.callOptions(correlationId)));
    return info.metadata ?? {};
  }

  async export(options: JsonObject, data: JsonObject, correlationId: string): Promise<void> {
    await this.failingAs('export', () => this.storage.export({ options, schema: '', secret_data: {}, data }, this.callOptions(correlationId)));
  }

  /**
   * An export of collected resources, sent as they came from the collector plugin: their Struct
   * bytes go into the request unchanged, so nothing is decoded or encoded again.
   */
  async exportResources(options: JsonObject, header: JsonObject, resources: Buffer[], correlationId: string): Promise<void> {
    const request = encodeExportRequest(options, header, resources);
    await whenChannelReady(this.channel);
    return new Promise<void>((resolve, reject) => {
      this.channel.makeUnaryRequest(
        StorageService.export.path,
        (buffer: Buffer) => buffer,
        () => undefined,
        request,
        callMetadata(correlationId),
        { deadline: Date.now() + this.deadlineMs },
        (error) => {
          if (!error) return resolve();
          countPluginCallError(this.plugin.plugin_id, 'export', error);
          reject(pluginCallError(this.plugin.plugin_id, this.plugin.endpoint, 'export', error));
        },
      );
    });
  }
}
