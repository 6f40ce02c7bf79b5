import { Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { CollectorPluginMetadata, JsonObject } from '../providers/collector-provider';
import { CollectorProviderRegistry } from '../providers/collector-provider.registry';
import { streamedMessages } from './collector.metrics';

type ResourceInfo = inventoryPlugin.ResourceInfo;

/** The plugin's rules around its providers: which one answers, and what every answer carries. */
@Injectable()
export class CollectorService {
  private readonly logger = new Logger(CollectorService.name);

  constructor(private readonly registry: CollectorProviderRegistry) {}

  async init(rawOptions: JsonObject | undefined): Promise<CollectorPluginMetadata> {
    const { provider, options } = this.registry.resolve(rawOptions);
    const metadata = await provider.init(options);
    return { ...metadata, options_schema: this.withSourceOption(metadata['options_schema']) };
  }

  async verify(rawOptions: JsonObject | undefined, secretData: JsonObject | undefined): Promise<void> {
    const { provider, options } = this.registry.resolve(rawOptions);
    await provider.verify(options, secretData ?? {});
  }

  async getTasks(rawOptions: JsonObject | undefined, secretData: JsonObject | undefined): Promise<JsonObject[]> {
    const { provider, options } = this.registry.resolve(rawOptions);
    if (!provider.getTasks) {
      throw new AppError(ErrorCode.UNIMPLEMENTED, `Source "${provider.source}" does not split collects into tasks.`);
    }
    return provider.getTasks(options, secretData ?? {});
  }

  /** Validates at once (throws before streaming) and returns the lazy stream of the provider. */
  collect(request: inventoryPlugin.CollectRequest, correlationId?: string): AsyncIterable<ResourceInfo> {
    const { provider, options } = this.registry.resolve(request.options);
    const taskOptions = request.task_options ?? undefined;
    const stream = provider.collect({
      options,
      secret_data: request.secret_data ?? {},
      filter: request.filter ?? {},
      task_options: taskOptions,
    });
    return this.logged(stream, provider.source, { correlationId, source: provider.source, task_options: taskOptions });
  }

  private async *logged(stream: AsyncIterable<ResourceInfo>, source: string, context: JsonObject): AsyncGenerator<ResourceInfo, void, undefined> {
    const startedAt = Date.now();
    let messages = 0;
    let outcome = 'cancelled';
    this.logger.log({ ...context }, 'collect started');
    try {
      for await (const message of stream) {
        messages++;
        yield message;
      }
      outcome = 'completed';
    } catch (error) {
      outcome = 'failed';
      throw error;
    } finally {
      streamedMessages.inc({ source, outcome }, messages);
      this.logger.log({ ...context, messages, outcome, ms: Date.now() - startedAt }, `collect ${outcome}`);
    }
  }

  /** Adds options.source (which provider answers) to a provider's options schema. */
  private withSourceOption(schema: unknown): unknown {
    if (typeof schema !== 'object' || schema === null) return schema;
    const { properties = {}, ...rest } = schema as { properties?: JsonObject };
    return {
      ...rest,
      properties: {
        source: { type: 'string', enum: this.registry.sources, default: this.registry.defaultSource, title: 'Source of the resources' },
        ...properties,
      },
    };
  }
}
