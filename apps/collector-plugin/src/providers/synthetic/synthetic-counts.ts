import { SyntheticOptions, SyntheticTaskSlice, WHOLE_STREAM } from './synthetic-options';
import { SYNTHETIC_REGIONS } from './synthetic-catalog';
import { METRICS_PER_MIX_ENTRY } from './synthetic-metrics';

/**
 * How many inventory.CloudService resources differ between any two different `version`s with the
 * same other options: the indexes i in [0, count) with i % change_every == 0, that is
 * ceil(count / change_every) (0 when count is 0). Every other resource, and every
 * CloudServiceType, Region, invalid and error message, is byte-identical across versions.
 */
export function changedResourceCount(count: number, changeEvery: number): number {
  if (count <= 0) return 0;
  return Math.floor((count - 1) / changeEvery) + 1;
}

/** Whether the CloudService at this index carries version-dependent (and, with drift, time-dependent) values. */
export function changesWithVersion(index: number, changeEvery: number): boolean {
  return index % changeEvery === 0;
}

/**
 * The drift time bucket of a collect that starts at `atMs` (Unix milliseconds):
 * floor(atMs / (drift_every_seconds × 1000)); 0 when drift is off. Two collects whose buckets
 * differ change the drifting resources, changedResourceCount(count, change_every) of them.
 */
export function driftBucketAt(driftEverySeconds: number, atMs: number): number {
  return driftEverySeconds > 0 ? Math.floor(atMs / (driftEverySeconds * 1000)) : 0;
}

/** How many of the indexes [0, total) fall in a task slice (index % parts == part). */
export function indexesInSlice(total: number, slice: SyntheticTaskSlice): number {
  return total > slice.part ? Math.ceil((total - slice.part) / slice.parts) : 0;
}

/** The messages one synthetic collect emits, by kind. */
export interface SyntheticMessageCounts {
  /** Valid inventory.CloudService resources (state SUCCESS). */
  cloud_services: number;
  /** inventory.CloudService resources without cloud_service_type (state SUCCESS, rejected by the inventory). */
  invalid: number;
  /** inventory.ErrorResource messages (state FAILURE). */
  error_resources: number;
  /** inventory.CloudServiceType resources (one per mix entry, part 0 only). */
  cloud_service_types: number;
  /** inventory.Region resources (one per region used by the valid CloudServices, part 0 only). */
  regions: number;
  /** inventory.Namespace resources (one per mix entry, part 0 only). */
  namespaces: number;
  /** inventory.Metric resources (two per mix entry, part 0 only). */
  metrics: number;
  /** All messages of the stream (before fail_after cuts it). */
  total: number;
}

/**
 * The exact message counts of a collect with these options and task slice. Without task_options
 * the slice is the whole stream; summed over the slices of get_tasks it gives the whole stream.
 */
export function expectedMessageCounts(options: SyntheticOptions, slice: SyntheticTaskSlice = WHOLE_STREAM): SyntheticMessageCounts {
  const partZero = slice.part === 0;
  const withTypes = options.include_types && partZero;
  const counts = {
    cloud_services: indexesInSlice(options.count, slice),
    invalid: indexesInSlice(options.invalid, slice),
    error_resources: indexesInSlice(options.error_resources, slice),
    cloud_service_types: withTypes ? options.mix.length : 0,
    regions: withTypes ? regionsUsed(options.count) : 0,
    namespaces: options.namespaces && partZero ? options.mix.length : 0,
    metrics: options.metrics && partZero ? METRICS_PER_MIX_ENTRY * options.mix.length : 0,
  };
  return { ...counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) };
}

/**
 * The number of distinct regions of `count` valid CloudServices: the CloudService at index i is
 * in region (i + floor(i / R)) % R of the R synthetic regions, so the first R indexes use them all.
 */
export function regionsUsed(count: number): number {
  return Math.min(count, SYNTHETIC_REGIONS.length);
}

/** The region (index into SYNTHETIC_REGIONS) of the valid CloudService at this index. */
export function regionIndexOf(index: number): number {
  const regions = SYNTHETIC_REGIONS.length;
  return (index + Math.floor(index / regions)) % regions;
}
