import { AppError } from '@cloud-inventory/grpc';
import { metricIdStem } from './synthetic-metrics';

/** One kind of cloud service in the generated inventory, picked with probability weight / Σweights. */
export interface SyntheticMixEntry {
  cloud_service_group: string;
  cloud_service_type: string;
  weight: number;
}

/** The synthetic source's options, validated and with every default filled in. */
export interface SyntheticOptions {
  count: number;
  seed: number;
  version: number;
  change_every: number;
  mix: SyntheticMixEntry[];
  provider: string;
  include_types: boolean;
  invalid: number;
  error_resources: number;
  delay_ms: number;
  fail_after: number;
  tasks: number;
  resource_bytes: number;
  json_data: boolean;
  namespaces: boolean;
  metrics: boolean;
  metrics_version: string;
  drift_every_seconds: number;
  concurrency: number;
  hang_before_first_ms: number;
  stall_after: number;
  stall_ms: number;
}

/** Which slice of the stream one collect emits (from get_tasks' task_options). */
export interface SyntheticTaskSlice {
  part: number;
  parts: number;
}

export const WHOLE_STREAM: SyntheticTaskSlice = Object.freeze({ part: 0, parts: 1 });

export const MAX_COUNT = 1_000_000_000;
export const MAX_TASKS = 1_000;
export const MAX_DELAY_MS = 60_000;
export const MAX_RESOURCE_BYTES = 4 * 1024 * 1024;
export const MAX_MIX_ENTRIES = 100;
export const MAX_DRIFT_EVERY_SECONDS = 1_000_000_000;
/** Longest hang or stall a stream can be asked for (an hour: longer than any idle timeout a test sets). */
export const MAX_PAUSE_MS = 3_600_000;
const MAX_NAME_LENGTH = 100;

export const DEFAULT_MIX: readonly SyntheticMixEntry[] = Object.freeze([
  { cloud_service_group: 'EC2', cloud_service_type: 'Instance', weight: 40 },
  { cloud_service_group: 'S3', cloud_service_type: 'Bucket', weight: 20 },
  { cloud_service_group: 'RDS', cloud_service_type: 'Database', weight: 10 },
  { cloud_service_group: 'VPC', cloud_service_type: 'Subnet', weight: 15 },
  { cloud_service_group: 'IAM', cloud_service_type: 'Role', weight: 15 },
]);

export const SYNTHETIC_DEFAULTS: Readonly<SyntheticOptions> = Object.freeze({
  count: 100,
  seed: 1,
  version: 1,
  change_every: 10,
  mix: DEFAULT_MIX.map((entry) => ({ ...entry })),
  provider: 'synthetic',
  include_types: true,
  invalid: 0,
  error_resources: 0,
  delay_ms: 0,
  fail_after: -1,
  tasks: 1,
  resource_bytes: 1200,
  json_data: false,
  namespaces: false,
  metrics: false,
  metrics_version: '1.0',
  drift_every_seconds: 0,
  concurrency: 0,
  hang_before_first_ms: 0,
  stall_after: -1,
  stall_ms: MAX_PAUSE_MS,
});

type Checker = (value: unknown, key: string) => unknown;

const integer =
  (min: number, max: number): Checker =>
  (value, key) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw AppError.invalid(`${key} must be an integer ${rangeText(min, max)} (got ${describe(value)}).`);
    }
    return value;
  };

const boolean: Checker = (value, key) => {
  if (typeof value !== 'boolean') throw AppError.invalid(`${key} must be true or false (got ${describe(value)}).`);
  return value;
};

const name: Checker = (value, key) => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_LENGTH) {
    throw AppError.invalid(`${key} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters (got ${describe(value)}).`);
  }
  return value;
};

const mix: Checker = (value, key) => {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MIX_ENTRIES) {
    throw AppError.invalid(
      `${key} must be a list of 1 to ${MAX_MIX_ENTRIES} {cloud_service_group, cloud_service_type, weight?} entries (got ${describe(value)}).`,
    );
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, index): SyntheticMixEntry => {
    const at = `${key}[${index}]`;
    if (!isPlainObject(entry)) throw AppError.invalid(`${at} must be an object (got ${describe(entry)}).`);
    for (const field of Object.keys(entry)) {
      if (!['cloud_service_group', 'cloud_service_type', 'weight'].includes(field)) {
        throw AppError.invalid(`${at}.${field} is not a mix field (known: cloud_service_group, cloud_service_type, weight).`);
      }
    }
    const group = name(entry['cloud_service_group'], `${at}.cloud_service_group`) as string;
    const type = name(entry['cloud_service_type'], `${at}.cloud_service_type`) as string;
    const weight = entry['weight'] ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw AppError.invalid(`${at}.weight must be a number > 0 (got ${describe(weight)}).`);
    }
    const identity = `${group}\u0000${type}`;
    if (seen.has(identity)) throw AppError.invalid(`${at} repeats ${group}/${type}; each group/type pair may appear once.`);
    seen.add(identity);
    return { cloud_service_group: group, cloud_service_type: type, weight };
  });
};

const CHECKERS: { [K in keyof SyntheticOptions]: Checker } = {
  count: integer(0, MAX_COUNT),
  seed: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  version: integer(1, Number.MAX_SAFE_INTEGER),
  change_every: integer(1, Number.MAX_SAFE_INTEGER),
  mix,
  provider: name,
  include_types: boolean,
  invalid: integer(0, MAX_COUNT),
  error_resources: integer(0, MAX_COUNT),
  delay_ms: integer(0, MAX_DELAY_MS),
  fail_after: integer(-1, Number.MAX_SAFE_INTEGER),
  tasks: integer(1, MAX_TASKS),
  resource_bytes: integer(0, MAX_RESOURCE_BYTES),
  json_data: boolean,
  namespaces: boolean,
  metrics: boolean,
  metrics_version: name,
  drift_every_seconds: integer(0, MAX_DRIFT_EVERY_SECONDS),
  concurrency: integer(0, MAX_TASKS),
  hang_before_first_ms: integer(0, MAX_PAUSE_MS),
  stall_after: integer(-1, Number.MAX_SAFE_INTEGER),
  stall_ms: integer(0, MAX_PAUSE_MS),
};

export const SYNTHETIC_OPTION_NAMES = Object.keys(CHECKERS) as (keyof SyntheticOptions)[];

/**
 * Validates the synthetic options (everything optional) and fills in defaults. Unknown keys are
 * refused so that a typo does not silently fall back to a default. Throws INVALID_ARGUMENT naming
 * the option.
 */
export function parseSyntheticOptions(raw: unknown): SyntheticOptions {
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) {
    throw AppError.invalid(`options must be an object (got ${describe(raw)}).`);
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in CHECKERS)) {
      throw AppError.invalid(`options.${key} is not a synthetic option (known: ${SYNTHETIC_OPTION_NAMES.join(', ')}).`);
    }
  }
  const options = { ...SYNTHETIC_DEFAULTS, mix: SYNTHETIC_DEFAULTS.mix.map((entry) => ({ ...entry })) } as Record<string, unknown>;
  for (const key of SYNTHETIC_OPTION_NAMES) {
    const value = given[key];
    if (value !== undefined && value !== null) options[key] = CHECKERS[key](value, `options.${key}`);
  }
  const parsed = options as unknown as SyntheticOptions;
  if (parsed.namespaces || parsed.metrics) checkMetricNames(parsed);
  return parsed;
}

/**
 * Namespaces and metrics name their cloud service type as inventory.CloudService:<provider>.<group>.<type>,
 * which Cloudforet splits on "." into exactly three parts, and take their ids from those names:
 * refuse what would break either.
 */
function checkMetricNames(options: SyntheticOptions): void {
  const dotted = (text: string, key: string) => {
    if (text.includes('.')) {
      throw AppError.invalid(
        `${key} must not contain "." when namespaces or metrics are sent (their resource_type is inventory.CloudService:<provider>.<group>.<type>) (got ${describe(text)}).`,
      );
    }
  };
  dotted(options.provider, 'options.provider');
  const owners = new Map<string, number>();
  options.mix.forEach((entry, index) => {
    dotted(entry.cloud_service_group, `options.mix[${index}].cloud_service_group`);
    dotted(entry.cloud_service_type, `options.mix[${index}].cloud_service_type`);
    const stem = metricIdStem(options.provider, entry);
    const owner = owners.get(stem);
    if (owner !== undefined) {
      throw AppError.invalid(
        `options.mix[${index}] gives the same namespace and metric ids as options.mix[${owner}] (ns-${stem}); ids are lower-cased, with "-" for other characters than a-z and 0-9.`,
      );
    }
    owners.set(stem, index);
  });
}

/**
 * Reads task_options as get_tasks made them ({part, parts}); absent or empty means the whole
 * stream.
 */
export function parseTaskSlice(raw: unknown): SyntheticTaskSlice {
  if (raw === undefined || raw === null) return WHOLE_STREAM;
  if (!isPlainObject(raw)) throw AppError.invalid(`task_options must be an object (got ${describe(raw)}).`);
  if (Object.keys(raw).length === 0) return WHOLE_STREAM;
  const parts = integer(1, Number.MAX_SAFE_INTEGER)(raw['parts'], 'task_options.parts') as number;
  const part = integer(0, parts - 1)(raw['part'], 'task_options.part') as number;
  return { part, parts };
}

/**
 * The secret the synthetic source needs: secret_data.account_id, a non-empty string that becomes
 * every resource's `account` (two secrets therefore yield distinct resources). Messages never
 * repeat secret values.
 */
export function parseSyntheticAccount(secretData: unknown): string {
  const accountId = isPlainObject(secretData) ? secretData['account_id'] : undefined;
  if (typeof accountId !== 'string' || accountId.trim() === '') {
    throw AppError.invalid('secret_data.account_id must be a non-empty string.');
  }
  return accountId;
}

/** JSON schema of the options, returned by init as metadata.options_schema. */
export const SYNTHETIC_OPTIONS_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: {
    count: { type: 'integer', minimum: 0, maximum: MAX_COUNT, default: SYNTHETIC_DEFAULTS.count, title: 'Number of inventory.CloudService resources (all tasks together)' },
    seed: { type: 'integer', default: SYNTHETIC_DEFAULTS.seed, title: 'PRNG seed; same options give a byte-identical stream' },
    version: { type: 'integer', minimum: 1, default: SYNTHETIC_DEFAULTS.version, title: 'Inventory version; resources with index % change_every == 0 change with it' },
    change_every: { type: 'integer', minimum: 1, default: SYNTHETIC_DEFAULTS.change_every, title: 'Every change_every-th resource (index 0, n, 2n, ...) depends on version' },
    mix: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_MIX_ENTRIES,
      title: 'Kinds of cloud services and their weights',
      default: SYNTHETIC_DEFAULTS.mix,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['cloud_service_group', 'cloud_service_type'],
        properties: {
          cloud_service_group: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH },
          cloud_service_type: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH },
          weight: { type: 'number', exclusiveMinimum: 0, default: 1 },
        },
      },
    },
    provider: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH, default: SYNTHETIC_DEFAULTS.provider, title: 'Provider of the resources' },
    include_types: { type: 'boolean', default: SYNTHETIC_DEFAULTS.include_types, title: 'Also emit CloudServiceType and Region resources at the end (part 0 only)' },
    invalid: { type: 'integer', minimum: 0, maximum: MAX_COUNT, default: SYNTHETIC_DEFAULTS.invalid, title: 'Extra CloudService resources without cloud_service_type' },
    error_resources: { type: 'integer', minimum: 0, maximum: MAX_COUNT, default: SYNTHETIC_DEFAULTS.error_resources, title: 'Extra FAILURE messages (inventory.ErrorResource)' },
    delay_ms: { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS, default: SYNTHETIC_DEFAULTS.delay_ms, title: 'Average pause per message, in milliseconds' },
    fail_after: { type: 'integer', minimum: -1, default: SYNTHETIC_DEFAULTS.fail_after, title: 'Fail the stream with INTERNAL after this many messages (-1: never)' },
    tasks: { type: 'integer', minimum: 1, maximum: MAX_TASKS, default: SYNTHETIC_DEFAULTS.tasks, title: 'Number of tasks get_tasks returns' },
    resource_bytes: { type: 'integer', minimum: 0, maximum: MAX_RESOURCE_BYTES, default: SYNTHETIC_DEFAULTS.resource_bytes, title: 'Approximate JSON size of each CloudService resource' },
    json_data: { type: 'boolean', default: SYNTHETIC_DEFAULTS.json_data, title: 'Send data as a JSON string (resource.json_data) instead of a Struct, as the AWS plugin does' },
    namespaces: { type: 'boolean', default: SYNTHETIC_DEFAULTS.namespaces, title: 'Also emit one inventory.Namespace per mix entry at the end (part 0 only)' },
    metrics: { type: 'boolean', default: SYNTHETIC_DEFAULTS.metrics, title: 'Also emit two inventory.Metric per mix entry at the end (part 0 only)' },
    metrics_version: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH, default: SYNTHETIC_DEFAULTS.metrics_version, title: 'version of every namespace and metric; the inventory updates them when it changes' },
    drift_every_seconds: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_DRIFT_EVERY_SECONDS,
      default: SYNTHETIC_DEFAULTS.drift_every_seconds,
      title: 'Resources with index % change_every == 0 also change with the time bucket floor(now / drift_every_seconds) (0: never)',
    },
    concurrency: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_TASKS,
      default: SYNTHETIC_DEFAULTS.concurrency,
      title: "Announced by init as metadata.concurrency (Cloudforet's cap on a collector's tasks running at once; 0: not announced)",
    },
    hang_before_first_ms: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_PAUSE_MS,
      default: SYNTHETIC_DEFAULTS.hang_before_first_ms,
      title: 'Send nothing for this long before the first message (a plugin that hangs; 0: no hang)',
    },
    stall_after: {
      type: 'integer',
      minimum: -1,
      default: SYNTHETIC_DEFAULTS.stall_after,
      title: 'After this many messages, send nothing for stall_ms, then carry on (a plugin that stalls mid-stream; -1: never)',
    },
    stall_ms: { type: 'integer', minimum: 0, maximum: MAX_PAUSE_MS, default: SYNTHETIC_DEFAULTS.stall_ms, title: 'How long a stall (stall_after) lasts' },
  },
});

function rangeText(min: number, max: number): string {
  if (min === Number.MIN_SAFE_INTEGER) return '(a safe integer)';
  if (max === Number.MAX_SAFE_INTEGER) return `>= ${min}`;
  return `between ${min} and ${max}`;
}

/** Describes a bad value for a message without dumping arbitrary input. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return String(value);
    case 'string':
      return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    default:
      return `a value of type ${typeof value}`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
