/** Fixed vocabularies the synthetic resources draw from. Changing them changes every stream. */

export interface SyntheticRegion {
  region_code: string;
  name: string;
  continent: string;
  latitude: string;
  longitude: string;
}

export const SYNTHETIC_REGIONS: readonly SyntheticRegion[] = Object.freeze([
  { region_code: 'us-east-1', name: 'US East (N. Virginia)', continent: 'north_america', latitude: '39.028760', longitude: '-77.458263' },
  { region_code: 'us-west-2', name: 'US West (Oregon)', continent: 'north_america', latitude: '45.841847', longitude: '-119.701388' },
  { region_code: 'eu-west-1', name: 'Europe (Ireland)', continent: 'europe', latitude: '53.349804', longitude: '-6.260310' },
  { region_code: 'eu-central-1', name: 'Europe (Frankfurt)', continent: 'europe', latitude: '50.110924', longitude: '8.682127' },
  { region_code: 'ap-northeast-2', name: 'Asia Pacific (Seoul)', continent: 'asia_pacific', latitude: '37.566535', longitude: '126.977969' },
  { region_code: 'ap-southeast-1', name: 'Asia Pacific (Singapore)', continent: 'asia_pacific', latitude: '1.352083', longitude: '103.819836' },
]);

export interface ServiceProfile {
  /** CloudServiceType label. */
  category: string;
  /** Name prefix of the resources. */
  prefix: string;
  /** instance_type values; a resource that changes with `version` moves to the next one. */
  instanceTypes: readonly string[];
}

const PROFILES: Readonly<Record<string, ServiceProfile>> = {
  'EC2/Instance': { category: 'Compute', prefix: 'i', instanceTypes: ['t3.micro', 't3.small', 'm5.large', 'c5.xlarge', 'r5.2xlarge'] },
  'S3/Bucket': { category: 'Storage', prefix: 'bucket', instanceTypes: ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER'] },
  'RDS/Database': { category: 'Database', prefix: 'db', instanceTypes: ['db.t3.medium', 'db.m5.large', 'db.r5.xlarge', 'db.r5.2xlarge'] },
  'VPC/Subnet': { category: 'Networking', prefix: 'subnet', instanceTypes: ['public', 'private', 'isolated'] },
  'IAM/Role': { category: 'Security', prefix: 'role', instanceTypes: ['service-role', 'user-role', 'federated-role'] },
};

const GENERIC_INSTANCE_TYPES = ['small', 'medium', 'large', 'xlarge'];

/** The profile of a group/type pair; unknown pairs get a generic one. */
export function serviceProfileOf(group: string, type: string): ServiceProfile {
  return (
    PROFILES[`${group}/${type}`] ?? {
      category: 'Synthetic',
      prefix: type.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'resource',
      instanceTypes: GENERIC_INSTANCE_TYPES,
    }
  );
}

/** vCPU and memory (GiB) per instance_type position. */
export const HARDWARE: readonly { core: number; memory: number }[] = Object.freeze([
  { core: 1, memory: 1 },
  { core: 2, memory: 4 },
  { core: 4, memory: 16 },
  { core: 8, memory: 32 },
  { core: 16, memory: 64 },
]);

export const IMAGES = Object.freeze([
  'ami-0a8b4cd432b1c3063',
  'ami-0c7217cdde317cfec',
  'ami-07d9b9ddc6cd8dd30',
  'ami-0e731c8a588258d0d',
]);

export const ENVIRONMENTS = Object.freeze(['prod', 'staging', 'dev', 'qa']);
export const TEAMS = Object.freeze(['platform', 'payments', 'search', 'data', 'identity', 'mobile', 'growth', 'infra']);
export const VOLUME_TYPES = Object.freeze(['gp3', 'gp2', 'io2', 'st1']);
export const AVAILABILITY_ZONE_SUFFIXES = Object.freeze(['a', 'b', 'c']);

/** Launch dates the resources pick from: 1024 fixed instants in 2022-2024. */
export const LAUNCH_DATES: readonly string[] = Object.freeze(
  Array.from({ length: 1024 }, (_, i) => new Date(Date.UTC(2022, 0, 1) + i * 91_234_567).toISOString()),
);

/** Filler text for data.description, sliced to reach resource_bytes. */
export const FILLER =
  'Synthetic resource generated for load and correctness tests of the cloud inventory. ' +
  'It mirrors the nesting of a real collector plugin resource without calling any cloud API. ';
