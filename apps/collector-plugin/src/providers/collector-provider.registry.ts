import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { COLLECTOR_PLUGIN_CONFIG, CollectorPluginConfig } from '../collector-plugin.config';
import { COLLECTOR_PROVIDERS, CollectorProvider, JsonObject } from './collector-provider';

/** A provider and the options meant for it (options.source removed). */
export interface ResolvedProvider {
  provider: CollectorProvider;
  options: JsonObject;
}

/** Picks the provider named by options.source, or the configured default source. */
@Injectable()
export class CollectorProviderRegistry {
  private readonly bySource: ReadonlyMap<string, CollectorProvider>;

  constructor(
    @Inject(COLLECTOR_PROVIDERS) providers: CollectorProvider[],
    @Inject(COLLECTOR_PLUGIN_CONFIG) private readonly config: CollectorPluginConfig,
  ) {
    this.bySource = new Map(providers.map((provider) => [provider.source, provider]));
    if (!this.bySource.has(config.defaultSource)) {
      throw new Error(
        `COLLECTOR_DEFAULT_SOURCE names an unknown source "${config.defaultSource}" (known: ${this.sources.join(', ')})`,
      );
    }
  }

  get sources(): string[] {
    return [...this.bySource.keys()];
  }

  get defaultSource(): string {
    return this.config.defaultSource;
  }

  resolve(rawOptions: JsonObject | null | undefined): ResolvedProvider {
    if (rawOptions !== undefined && rawOptions !== null && (typeof rawOptions !== 'object' || Array.isArray(rawOptions))) {
      throw AppError.invalid('options must be an object.');
    }
    const { source = this.config.defaultSource, ...options } = rawOptions ?? {};
    if (typeof source !== 'string') {
      throw AppError.invalid(`options.source must be a string naming a source (known: ${this.sources.join(', ')}).`);
    }
    const provider = this.bySource.get(source);
    if (!provider) {
      throw AppError.invalid(`Unknown collector source "${truncate(source)}" in options.source (known: ${this.sources.join(', ')}).`);
    }
    return { provider, options };
  }

  /** The provider registered for a source, e.g. for tests that read its figures. */
  get(source: string): CollectorProvider | undefined {
    return this.bySource.get(source);
  }
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
