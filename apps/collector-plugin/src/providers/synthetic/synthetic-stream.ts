import { inventoryPlugin } from '@cloud-inventory/proto';
import {
  AVAILABILITY_ZONE_SUFFIXES,
  ENVIRONMENTS,
  FILLER,
  HARDWARE,
  IMAGES,
  LAUNCH_DATES,
  SYNTHETIC_REGIONS,
  SyntheticRegion,
  TEAMS,
  VOLUME_TYPES,
  serviceProfileOf,
} from './synthetic-catalog';
import { changesWithVersion, regionIndexOf, regionsUsed } from './synthetic-counts';
import { metricsOf, namespaceOf } from './synthetic-metrics';
import { SyntheticMixEntry, SyntheticOptions, SyntheticTaskSlice, WHOLE_STREAM } from './synthetic-options';
import { Mulberry32 } from './mulberry32';

type ResourceInfo = inventoryPlugin.ResourceInfo;
type Resource = Record<string, unknown>;
const { SUCCESS, FAILURE } = inventoryPlugin.ResourceInfo_State;

export const CLOUD_SERVICE_MATCH_RULES = Object.freeze({
  '1': Object.freeze(['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account']),
});
export const CLOUD_SERVICE_TYPE_MATCH_RULES = Object.freeze({ '1': Object.freeze(['name', 'group', 'provider']) });
export const REGION_MATCH_RULES = Object.freeze({ '1': Object.freeze(['provider', 'region_code']) });
/** What the collector SDK sends for namespaces and metrics (its match_keys are empty): the inventory upserts them by id. */
export const NO_MATCH_RULES = Object.freeze({});

/** PRNG salts: each kind of message has its own sequence per index. */
const SALT_CLOUD_SERVICE = 0x0c10d5e7;
const SALT_INVALID = 0x1b7a11d0;
const SALT_ERROR = 0x0e770e5;

/** What a collect produces: the options, the account from the secret and the task slice. */
export interface SyntheticStreamPlan {
  options: SyntheticOptions;
  account: string;
  slice?: SyntheticTaskSlice;
  /**
   * The time bucket of this collect, floor(start / drift_every_seconds) (driftBucketAt); drifting
   * resources carry it. Ignored when drift_every_seconds is 0.
   */
  driftBucket?: number;
}

/** Everything about one mix entry that does not change from resource to resource. */
interface Template {
  entry: SyntheticMixEntry;
  /** Cumulative weight / Σweights, for picking by a uniform draw. */
  upTo: number;
  prefix: string;
  instanceTypes: readonly string[];
  externalLinkBase: string;
  /** data.description, sized so that the resource's JSON is about resource_bytes long. */
  description: string;
}

/**
 * The synthetic stream, lazily: valid CloudServices by index (only index % parts == part), the
 * invalid and error messages interleaved at fixed positions, then, in part 0 only, one
 * CloudServiceType per mix entry and one Region per region used (include_types), one Namespace
 * per mix entry (namespaces) and two Metrics per mix entry (metrics). A message depends only on
 * the options, the account, the drift bucket and its own index, never on the slice or on earlier
 * messages.
 *
 * Interleaving: invalid message j (j in [0, invalid)) comes just before CloudService index
 * floor((j + 1) / (invalid + 1) * count) and belongs to slice j % parts; error message k likewise
 * with error_resources. Positions equal to count come after the last CloudService.
 */
export function* syntheticMessages(plan: SyntheticStreamPlan): Generator<ResourceInfo, void, undefined> {
  const { options, account } = plan;
  const { part, parts } = plan.slice ?? WHOLE_STREAM;
  const { count, invalid, error_resources: errors } = options;
  const factory = new SyntheticResourceFactory(options, account, plan.driftBucket ?? 0);

  let nextInvalid = 0;
  let nextError = 0;
  let invalidAt = positionOf(0, invalid, count);
  let errorAt = positionOf(0, errors, count);
  for (let index = part; ; index += parts) {
    const boundary = index < count ? index : count;
    while (nextInvalid < invalid && invalidAt <= boundary) {
      if (nextInvalid % parts === part) yield factory.invalidCloudService(nextInvalid);
      nextInvalid++;
      invalidAt = positionOf(nextInvalid, invalid, count);
    }
    while (nextError < errors && errorAt <= boundary) {
      if (nextError % parts === part) yield factory.errorResource(nextError);
      nextError++;
      errorAt = positionOf(nextError, errors, count);
    }
    if (index >= count) break;
    yield factory.cloudService(index);
  }

  if (part !== 0) return;
  if (options.include_types) {
    yield* factory.cloudServiceTypes();
    yield* factory.regions(regionsUsed(count));
  }
  if (options.namespaces) yield* factory.namespaces();
  if (options.metrics) yield* factory.metrics();
}

function positionOf(ordinal: number, total: number, count: number): number {
  return Math.floor(((ordinal + 1) / (total + 1)) * count);
}

/** Builds the messages; templates are computed once per collect so a resource costs a few µs. */
export class SyntheticResourceFactory {
  private readonly rng = new Mulberry32();
  private readonly templates: Template[];

  constructor(
    private readonly options: SyntheticOptions,
    private readonly account: string,
    private readonly driftBucket = 0,
  ) {
    const totalWeight = options.mix.reduce((sum, entry) => sum + entry.weight, 0);
    let cumulative = 0;
    this.templates = options.mix.map((entry) => {
      cumulative += entry.weight;
      const profile = serviceProfileOf(entry.cloud_service_group, entry.cloud_service_type);
      return {
        entry,
        upTo: cumulative / totalWeight,
        prefix: profile.prefix,
        instanceTypes: profile.instanceTypes,
        externalLinkBase: `https://console.synthetic.example/${encodeURIComponent(entry.cloud_service_group)}/${encodeURIComponent(entry.cloud_service_type)}/`,
        description: '',
      };
    });
    this.sizeDescriptions();
  }

  /** The valid CloudService at this index (0 ≤ index < count). */
  cloudService(index: number): ResourceInfo {
    this.rng.reseed(this.options.seed, SALT_CLOUD_SERVICE, index);
    const template = this.pickTemplate();
    const changes = changesWithVersion(index, this.options.change_every);
    const version = changes ? this.options.version : 1;
    const resource = this.buildResource(template, `syn-${this.options.seed}-${index}`, index, SYNTHETIC_REGIONS[regionIndexOf(index)], version);
    if (changes && this.options.drift_every_seconds > 0) drift(resource, this.driftBucket);
    return successOf('inventory.CloudService', CLOUD_SERVICE_MATCH_RULES, this.encodeData(resource));
  }

  /**
   * Invalid CloudService j: a full resource whose `cloud_service_type` key is absent. Its
   * reference.resource_id (syn-<seed>-invalid-<j>) matches nothing, so the inventory takes the
   * create path, where cloud_service_type is required (Cloudforet: ERROR_REQUIRED_PARAMETER).
   */
  invalidCloudService(ordinal: number): ResourceInfo {
    this.rng.reseed(this.options.seed, SALT_INVALID, ordinal);
    const template = this.pickTemplate();
    const region = SYNTHETIC_REGIONS[this.rng.below(SYNTHETIC_REGIONS.length)];
    const resource = this.buildResource(template, `syn-${this.options.seed}-invalid-${ordinal}`, ordinal, region, 1);
    delete resource['cloud_service_type'];
    return successOf('inventory.CloudService', CLOUD_SERVICE_MATCH_RULES, this.encodeData(resource));
  }

  /** Error message k, shaped as Cloudforet plugins report a failed collection. */
  errorResource(ordinal: number): ResourceInfo {
    this.rng.reseed(this.options.seed, SALT_ERROR, ordinal);
    const { entry } = this.pickTemplate();
    const region = SYNTHETIC_REGIONS[this.rng.below(SYNTHETIC_REGIONS.length)];
    return {
      state: FAILURE,
      message:
        `synthetic error resource ${ordinal}: failed to collect ${entry.cloud_service_group}/${entry.cloud_service_type} ` +
        `in ${region.region_code} (AccessDenied: simulated by the synthetic collector)`,
      resource_type: 'inventory.ErrorResource',
      match_rules: undefined,
      resource: {
        resource_type: 'inventory.CloudService',
        provider: this.options.provider,
        cloud_service_group: entry.cloud_service_group,
        cloud_service_type: entry.cloud_service_type,
        resource_id: `syn-${this.options.seed}-error-${ordinal}`,
      },
      options: undefined,
    };
  }

  /** One CloudServiceType per mix entry; the first entry of each group is its primary type. */
  *cloudServiceTypes(): Generator<ResourceInfo, void, undefined> {
    const groups = new Set<string>();
    for (const { entry } of this.templates) {
      const isPrimary = !groups.has(entry.cloud_service_group);
      groups.add(entry.cloud_service_group);
      const profile = serviceProfileOf(entry.cloud_service_group, entry.cloud_service_type);
      yield successOf('inventory.CloudServiceType', CLOUD_SERVICE_TYPE_MATCH_RULES, {
        name: entry.cloud_service_type,
        group: entry.cloud_service_group,
        provider: this.options.provider,
        is_primary: isPrimary,
        is_major: true,
        service_code: entry.cloud_service_group,
        labels: [profile.category],
        tags: { 'spaceone:icon': `https://icons.synthetic.example/${profile.category.toLowerCase()}.svg` },
      });
    }
  }

  /** The first `used` synthetic regions, as inventory.Region resources. */
  *regions(used: number): Generator<ResourceInfo, void, undefined> {
    for (const region of SYNTHETIC_REGIONS.slice(0, used)) {
      yield successOf('inventory.Region', REGION_MATCH_RULES, {
        name: region.name,
        region_code: region.region_code,
        provider: this.options.provider,
        tags: { continent: region.continent, latitude: region.latitude, longitude: region.longitude },
      });
    }
  }

  /** One inventory.Namespace per mix entry, in mix order. */
  *namespaces(): Generator<ResourceInfo, void, undefined> {
    for (const { entry } of this.templates) {
      yield successOf('inventory.Namespace', NO_MATCH_RULES, { ...namespaceOf(this.options.provider, entry, this.options.metrics_version) });
    }
  }

  /** Two inventory.Metric per mix entry (count, running vCPU), in mix order. */
  *metrics(): Generator<ResourceInfo, void, undefined> {
    for (const { entry } of this.templates) {
      for (const metric of metricsOf(this.options.provider, entry, this.options.metrics_version)) {
        yield successOf('inventory.Metric', NO_MATCH_RULES, { ...metric });
      }
    }
  }

  private pickTemplate(): Template {
    const draw = this.rng.next();
    const templates = this.templates;
    for (let i = 0; i < templates.length - 1; i++) {
      if (draw < templates[i].upTo) return templates[i];
    }
    return templates[templates.length - 1];
  }

  /**
   * A CloudService resource. `version` is the version at which it last changed: the option's
   * value for resources that change with it, 1 for all others. Only data.synthetic.version, the
   * synthetic_version tag, instance_type and the hardware that follows from it depend on it.
   */
  private buildResource(template: Template, resourceId: string, index: number, region: SyntheticRegion, version: number): Resource {
    const rng = this.rng;
    const { entry } = template;
    const typeBase = rng.below(template.instanceTypes.length);
    const typePosition = (typeBase + version - 1) % template.instanceTypes.length;
    const instanceType = template.instanceTypes[typePosition];
    const hardware = HARDWARE[typePosition % HARDWARE.length];
    const environment = ENVIRONMENTS[rng.below(ENVIRONMENTS.length)];
    const team = TEAMS[rng.below(TEAMS.length)];
    const image = IMAGES[rng.below(IMAGES.length)];
    const volumeType = VOLUME_TYPES[rng.below(VOLUME_TYPES.length)];
    const az = region.region_code + AVAILABILITY_ZONE_SUFFIXES[rng.below(AVAILABILITY_ZONE_SUFFIXES.length)];
    const bits = rng.uint32();
    const privateIp = `10.${bits & 0xff}.${(bits >>> 8) & 0xff}.${(bits >>> 16) & 0xff}`;
    const publicIp = `54.${(bits >>> 24) & 0xff}.${bits & 0x7f}.${(bits >>> 9) & 0xff}`;
    const launchedAt = LAUNCH_DATES[(bits >>> 3) & 1023];
    const idA = rng.hex8();
    const idB = rng.hex8();
    const idC = rng.hex8();
    const name = `${template.prefix}-${idA}`;
    const versionText = String(version);

    return {
      name,
      provider: this.options.provider,
      account: this.account,
      instance_type: instanceType,
      instance_size: hardware.core,
      cloud_service_group: entry.cloud_service_group,
      cloud_service_type: entry.cloud_service_type,
      region_code: region.region_code,
      ip_addresses: [privateIp, publicIp],
      reference: { resource_id: resourceId, external_link: template.externalLinkBase + resourceId },
      tags: { Name: name, env: environment, team, synthetic_version: versionText },
      launched_at: launchedAt,
      data: {
        synthetic: { index, version },
        compute: {
          az,
          instance_id: `i-${idA}${idB}`,
          instance_state: 'RUNNING',
          instance_type: instanceType,
          image,
          security_groups: [
            { id: `sg-${idB}`, name: `${team}-default` },
            { id: `sg-${idC}`, name: `${environment}-ingress` },
          ],
        },
        hardware: { core: hardware.core, memory: hardware.memory },
        network: {
          vpc_id: `vpc-${idC}`,
          subnet_id: `subnet-${idB}`,
          cidr: `10.${bits & 0xff}.0.0/20`,
        },
        block_devices: [
          { device_name: '/dev/xvda', volume_id: `vol-${idB}${idC}`, size_gb: 8 << (bits & 3), volume_type: volumeType },
        ],
        tags: [
          { key: 'Name', value: name },
          { key: 'env', value: environment },
          { key: 'team', value: team },
        ],
        description: template.description,
      },
    };
  }

  /**
   * With json_data, `data` travels as one JSON string (`json_data`), as Cloudforet's AWS plugin
   * sends it "for performance": a single string Value instead of a nested Struct.
   */
  private encodeData(resource: Resource): Resource {
    if (!this.options.json_data) return resource;
    const { data, ...rest } = resource;
    return { ...rest, json_data: JSON.stringify(data) };
  }

  /**
   * Pads each template's data.description so its resources are about resource_bytes of JSON.
   * The sample id has a fixed width, so the padding (and with it every resource) does not change
   * when only `count` does: a smaller collect must look like the larger one minus its tail.
   */
  private sizeDescriptions(): void {
    const sampleRegion = SYNTHETIC_REGIONS[0];
    const needed = this.templates.map((template) => {
      this.rng.reseed(this.options.seed, SALT_CLOUD_SERVICE, 1);
      const sample = this.encodeData(this.buildResource(template, `syn-${this.options.seed}-100000000`, 1, sampleRegion, 1));
      return Math.max(0, this.options.resource_bytes - Buffer.byteLength(JSON.stringify(sample)));
    });
    const longest = Math.max(0, ...needed);
    if (longest === 0) return;
    const filler = FILLER.repeat(Math.ceil(longest / FILLER.length));
    this.templates.forEach((template, i) => {
      template.description = filler.slice(0, needed[i]);
    });
  }
}

/**
 * What drift changes in a resource (built with `version`, before json_data encoding) in time
 * bucket b: data.synthetic.drift = b, the tag synthetic_drift = "b", and
 * data.compute.instance_state STOPPED in odd buckets (RUNNING in even ones, as without drift).
 * Keys are added after the existing ones, so the other bytes stay as they are.
 */
function drift(resource: Resource, bucket: number): void {
  const data = resource['data'] as Record<string, Record<string, unknown>>;
  data['synthetic']['drift'] = bucket;
  if (bucket % 2 !== 0) data['compute']['instance_state'] = 'STOPPED';
  (resource['tags'] as Record<string, string>)['synthetic_drift'] = String(bucket);
}

function successOf(resourceType: string, matchRules: Readonly<Record<string, readonly string[]>>, resource: Resource): ResourceInfo {
  return {
    state: SUCCESS,
    message: '',
    resource_type: resourceType,
    match_rules: matchRules as ResourceInfo['match_rules'],
    resource,
    options: undefined,
  };
}
