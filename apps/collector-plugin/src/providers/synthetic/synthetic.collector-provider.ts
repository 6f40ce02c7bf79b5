import { Injectable } from '@nestjs/common';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { CollectParams, CollectorPluginMetadata, CollectorProvider, JsonObject } from '../collector-provider';
import { SyntheticStreamStats, collectSynthetic } from './synthetic-collect';
import { driftBucketAt } from './synthetic-counts';
import { SYNTHETIC_OPTIONS_SCHEMA, parseSyntheticAccount, parseSyntheticOptions, parseTaskSlice } from './synthetic-options';

/**
 * The `synthetic` source: a deterministic inventory computed from the options, for tests and
 * benchmarks of the inventory. See README.md for the options contract.
 */
@Injectable()
export class SyntheticCollectorProvider implements CollectorProvider {
  readonly source = 'synthetic';

  /** Test hook: how much the streams of this provider have produced, and how many are open. */
  readonly stats: SyntheticStreamStats = { generated: 0, open: 0 };

  /** Test hook: the clock that picks a collect's drift time bucket (Unix milliseconds). */
  now: () => number = () => Date.now();

  init(options: JsonObject): CollectorPluginMetadata {
    const { concurrency } = parseSyntheticOptions(options);
    return {
      supported_resource_type: ['inventory.CloudService', 'inventory.CloudServiceType', 'inventory.Region', 'inventory.Namespace', 'inventory.Metric'],
      supported_schedules: ['hours'],
      supported_features: ['garbage_collection'],
      filter_format: [],
      options_schema: SYNTHETIC_OPTIONS_SCHEMA,
      // as Cloudforet plugins announce it: at most this many tasks of a collector run at once
      ...(concurrency > 0 ? { concurrency } : {}),
    };
  }

  verify(options: JsonObject, secretData: JsonObject): void {
    parseSyntheticOptions(options);
    parseSyntheticAccount(secretData);
  }

  getTasks(options: JsonObject, secretData: JsonObject): JsonObject[] {
    const { tasks } = parseSyntheticOptions(options);
    parseSyntheticAccount(secretData);
    return Array.from({ length: tasks }, (_, part) => ({ part, parts: tasks }));
  }

  collect(params: CollectParams): AsyncIterable<inventoryPlugin.ResourceInfo> {
    const options = parseSyntheticOptions(params.options);
    const account = parseSyntheticAccount(params.secret_data);
    const slice = parseTaskSlice(params.task_options);
    const driftBucket = driftBucketAt(options.drift_every_seconds, this.now());
    return collectSynthetic({ options, account, slice, driftBucket }, this.stats);
  }
}
