import { z } from 'zod';
import { envAddress, envBool, envInt, parseConfig } from '@cloud-inventory/config';

/** What one inventory process does (INVENTORY_ROLES); any number of processes share one PostgreSQL. */
export const INVENTORY_ROLES = ['api', 'worker', 'scheduler'] as const;
export type InventoryRole = (typeof INVENTORY_ROLES)[number];

/** What a collect does when the collector still has a job running (COLLECT_WHEN_RUNNING). */
export const WHEN_RUNNING = ['supersede', 'refuse', 'skip'] as const;
export type WhenRunning = (typeof WHEN_RUNNING)[number];

const rolesList = z
  .string()
  .optional()
  .transform((value, context) => {
    if (value === undefined) return undefined;
    const roles = value
      .split(',')
      .map((role) => role.trim())
      .filter((role) => role.length > 0);
    const unknown = roles.filter((role) => !(INVENTORY_ROLES as readonly string[]).includes(role));
    if (roles.length === 0 || unknown.length > 0) {
      context.addIssue({ code: 'custom', message: `expected a comma list of ${INVENTORY_ROLES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}` });
      return z.NEVER;
    }
    return new Set(roles as InventoryRole[]);
  });

/** A variable earlier versions read, now refused with a message naming what replaced it. */
const replacedBy = (message: string) =>
  z
    .string()
    .optional()
    .refine((value) => value === undefined, { message });

const schema = z.object({
  INVENTORY_GRPC_LISTEN: envAddress('0.0.0.0:50051'),
  INVENTORY_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  INVENTORY_HTTP_PORT: envInt(8080, 0, 65535),
  /** PostgreSQL URL; without it the app starts an embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: envInt(54329, 1, 65535),
  DB_POOL_SIZE: envInt(12, 2, 200),
  /** 32 bytes, base64 or hex. Required with DATABASE_URL; with the embedded default a key is generated under DATA_DIR. */
  SECRET_ENCRYPTION_KEY: z.string().optional(),
  /** The domain of the embedded default's admin token, and of every call with AUTH_DISABLED. */
  DEFAULT_DOMAIN_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('domain-default'),
  /** Local development only: no token is checked, every call acts as DOMAIN_ADMIN of DEFAULT_DOMAIN_ID. */
  AUTH_DISABLED: envBool(false),
  /** The public keys tokens are verified with: a JWKS ({"keys": [...]}) or per domain ({"domains": {"<did>": {"keys": [...]}}}). */
  AUTH_JWKS_FILE: z.string().min(1).optional(),
  AUTH_JWKS: z.string().min(1).optional(),
  /** The private key (PEM) tokens are minted with; without a JWKS, its public key is the one trusted. */
  AUTH_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** Per-domain quotas: creating one more is ERROR_QUOTA_EXCEEDED. */
  DOMAIN_MAX_COLLECTORS: envInt(1000, 1, 10_000_000),
  DOMAIN_MAX_SECRETS: envInt(10_000, 1, 10_000_000),
  /** Plugins known at start: id=collector|storage@host:port, comma separated. */
  INVENTORY_PLUGINS: z.string().default(''),
  /** Comma list of api, worker, scheduler (default: all three). */
  INVENTORY_ROLES: rolesList,
  // replaced by INVENTORY_ROLES: refused, so that an old deployment does not silently run other roles
  WORKER_ENABLED: replacedBy('replaced by INVENTORY_ROLES (WORKER_ENABLED=false is INVENTORY_ROLES=api,scheduler); unset it'),
  SCHEDULER_ENABLED: replacedBy('replaced by INVENTORY_ROLES (SCHEDULER_ENABLED=false is INVENTORY_ROLES=api,worker); unset it'),
  /** SIGTERM: running batches commit, tasks are handed back, and the process exits within this. */
  SHUTDOWN_GRACE_SECONDS: envInt(10, 1, 3600),
  /** Job tasks one inventory process runs at once. */
  WORKER_CONCURRENCY: envInt(4, 1, 256),
  QUEUE_POLL_MS: envInt(1000, 50, 60_000),
  TASK_LEASE_SECONDS: envInt(60, 5, 3600),
  TASK_MAX_ATTEMPTS: envInt(3, 1, 100),
  /** Deadline of one collect stream. */
  COLLECT_DEADLINE_SECONDS: envInt(3600, 1, 7 * 24 * 3600),
  /** A collect stream that sends nothing for this long is cut off (the task ends TIMEOUT). */
  COLLECT_IDLE_TIMEOUT_SECONDS: envInt(300, 1, 7 * 24 * 3600),
  /** A job still running this long after it was created ends TIMEOUT (Cloudforet: 2 hours); a collector's job_timeout overrides it. */
  JOB_TIMEOUT_SECONDS: envInt(7200, 1, 30 * 24 * 3600),
  /** How often a worker ends timed-out jobs and folds task endings left unfolded. */
  SWEEP_INTERVAL_MS: envInt(1000, 50, 60_000),
  /** What Collector.collect does while the collector's job (same secret and workspace) still runs. */
  COLLECT_WHEN_RUNNING: z.enum(WHEN_RUNNING).default('supersede'),
  /** Tasks of one domain running at once across all workers (0: no limit). */
  DOMAIN_MAX_RUNNING_TASKS: envInt(0, 0, 1_000_000),
  /** Deadline of unary plugin calls (init, verify, get_tasks, export). */
  PLUGIN_CALL_DEADLINE_SECONDS: envInt(30, 1, 3600),
  INGEST_BATCH_SIZE: envInt(1000, 1, 10_000),
  INGEST_BATCH_MAX_WAIT_MS: envInt(500, 1, 60_000),
  /** Batches of one task written at once, each on its own database connection. */
  INGEST_WRITERS: envInt(2, 1, 16),
  TASK_ERROR_LIMIT: envInt(100, 1, 10_000),
  /** A cloud service missed by this many successful collects in a row is marked DELETED. */
  DISCONNECTED_DELETE_AFTER: envInt(3, 1, 1000),
  /** Record what collects create, change and delete (ChangeHistory). API writes are always recorded. */
  CHANGE_HISTORY: z.enum(['on', 'off']).default('on'),
  /** The GIN index of cloud service `data`: `data.*` filters against the cost of every written resource (bench/README.md). */
  CLOUD_SERVICE_DATA_INDEX: z.enum(['on', 'off']).default('on'),
  // hardening (issue 12 B)
  /** A batch is written once its resources' encoded bytes reach this. */
  INGEST_BATCH_MAX_BYTES: envInt(32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  /** A resource larger than this (its Struct as encoded) is a counted failure of its task. */
  INGEST_MAX_RESOURCE_BYTES: envInt(4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  /** Hosts a plugin endpoint may name (comma list; `loopback`, a host, `*.suffix`); the hosts of INVENTORY_PLUGINS always. */
  PLUGIN_ALLOWED_HOSTS: z.string().default('loopback'),
  /** TLS of the inventory's gRPC and HTTP (PEM files; both or neither). */
  INVENTORY_TLS_CERT_FILE: z.string().min(1).optional(),
  INVENTORY_TLS_KEY_FILE: z.string().min(1).optional(),
  /** TLS to plugins: the CA (PEM) their certificates are verified with; without it plugins are called in plaintext. */
  PLUGIN_TLS_CA_FILE: z.string().min(1).optional(),
  /** The secret key in a file (mode 0600 or stricter) instead of SECRET_ENCRYPTION_KEY. */
  SECRET_ENCRYPTION_KEY_FILE: z.string().min(1).optional(),
  /** Keys that only decrypt (comma list): the old key while `npm run secret-key:rotate` moves secrets to the new one. */
  SECRET_ENCRYPTION_PREVIOUS_KEYS: z.string().default(''),
  /** How often a scheduler looks for due schedules at most (it also wakes up for the next due slot). */
  SCHEDULER_POLL_SECONDS: envInt(30, 1, 3600),
  /** Retention (Cloudforet's cleanup); 0 turns a rule off. */
  RETENTION_JOB_DAYS: envInt(60, 0, 36_500),
  RETENTION_DELETED_RESOURCE_DAYS: envInt(90, 0, 36_500),
  RETENTION_TYPE_HOURS: envInt(72, 0, 876_000),
  RETENTION_REGION_HOURS: envInt(48, 0, 876_000),
  RETENTION_INTERVAL_MINUTES: envInt(60, 1, 10_080),
  /** Rows one retention statement removes at most (each statement its own short transaction). */
  RETENTION_BATCH_SIZE: envInt(1000, 1, 100_000),
  /**
   * Tests only: schedules and retention go by the time written in this file (ISO 8601), so a test
   * of the built apps moves time for every process at once. Unset: the system clock.
   */
  INVENTORY_CLOCK_FILE: z.string().min(1).optional(),
});

export interface PluginSeed {
  plugin_id: string;
  service_type: 'COLLECTOR' | 'STORAGE';
  endpoint: string;
}

export interface InventoryConfig {
  grpcListen: string;
  httpHost: string;
  httpPort: number;
  databaseUrl?: string;
  dataDir: string;
  embeddedPostgresPort: number;
  dbPoolSize: number;
  secretEncryptionKey?: string;
  secretEncryptionKeyFile?: string;
  secretPreviousKeys: string[];
  defaultDomainId: string;
  auth: {
    disabled: boolean;
    jwksFile?: string;
    jwks?: string;
    signingKeyFile?: string;
  };
  quotas: {
    collectorsPerDomain: number;
    secretsPerDomain: number;
  };
  plugins: PluginSeed[];
  roles: ReadonlySet<InventoryRole>;
  shutdownGraceMs: number;
  worker: {
    concurrency: number;
    pollMs: number;
    leaseSeconds: number;
    maxAttempts: number;
    sweepIntervalMs: number;
    domainMaxRunningTasks: number;
  };
  collectDeadlineMs: number;
  collectIdleTimeoutMs: number;
  jobTimeoutSeconds: number;
  whenRunning: WhenRunning;
  pluginCallDeadlineMs: number;
  ingest: {
    batchSize: number;
    batchMaxWaitMs: number;
    writers: number;
    errorLimit: number;
    disconnectedDeleteAfter: number;
    /** Collects write change records (CHANGE_HISTORY=on). */
    changeHistory: boolean;
    batchMaxBytes: number;
    maxResourceBytes: number;
  };
  /** CLOUD_SERVICE_DATA_INDEX: whether cloud_service has its `data` GIN index (applied at start). */
  cloudServiceDataIndex: 'on' | 'off';
  pluginAllowedHosts: string[];
  tls: {
    certFile?: string;
    keyFile?: string;
    pluginCaFile?: string;
  };
  scheduler: {
    enabled: boolean;
    pollMs: number;
  };
  retention: RetentionConfig;
  /** INVENTORY_CLOCK_FILE (tests): the clock schedules and retention go by. */
  clockFile?: string;
}

/** Retention rules; a rule at 0 is off. */
export interface RetentionConfig {
  jobDays: number;
  deletedResourceDays: number;
  typeHours: number;
  regionHours: number;
  intervalMinutes: number;
  batchSize: number;
}

export function parsePluginSeeds(value: string): PluginSeed[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = /^([A-Za-z0-9_.-]{1,64})=(collector|storage)@([^\s@,]+:\d{1,5})$/.exec(entry);
      if (!match) {
        throw new Error(`Invalid configuration:\n  INVENTORY_PLUGINS: "${entry}" is not id=collector|storage@host:port`);
      }
      return {
        plugin_id: match[1],
        service_type: match[2] === 'collector' ? 'COLLECTOR' : 'STORAGE',
        endpoint: match[3],
      } as PluginSeed;
    });
}

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  const c = parseConfig(schema, env);
  const roles = c.INVENTORY_ROLES ?? new Set(INVENTORY_ROLES);
  return {
    grpcListen: c.INVENTORY_GRPC_LISTEN,
    httpHost: c.INVENTORY_HTTP_HOST,
    httpPort: c.INVENTORY_HTTP_PORT,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    embeddedPostgresPort: c.EMBEDDED_POSTGRES_PORT,
    dbPoolSize: c.DB_POOL_SIZE,
    secretEncryptionKey: c.SECRET_ENCRYPTION_KEY,
    secretEncryptionKeyFile: c.SECRET_ENCRYPTION_KEY_FILE,
    secretPreviousKeys: c.SECRET_ENCRYPTION_PREVIOUS_KEYS.split(',').map((key) => key.trim()).filter(Boolean),
    defaultDomainId: c.DEFAULT_DOMAIN_ID,
    auth: {
      disabled: c.AUTH_DISABLED,
      jwksFile: c.AUTH_JWKS_FILE,
      jwks: c.AUTH_JWKS,
      signingKeyFile: c.AUTH_SIGNING_KEY_FILE,
    },
    quotas: {
      collectorsPerDomain: c.DOMAIN_MAX_COLLECTORS,
      secretsPerDomain: c.DOMAIN_MAX_SECRETS,
    },
    plugins: parsePluginSeeds(c.INVENTORY_PLUGINS),
    roles,
    shutdownGraceMs: c.SHUTDOWN_GRACE_SECONDS * 1000,
    worker: {
      concurrency: c.WORKER_CONCURRENCY,
      pollMs: c.QUEUE_POLL_MS,
      leaseSeconds: c.TASK_LEASE_SECONDS,
      maxAttempts: c.TASK_MAX_ATTEMPTS,
      sweepIntervalMs: c.SWEEP_INTERVAL_MS,
      domainMaxRunningTasks: c.DOMAIN_MAX_RUNNING_TASKS,
    },
    collectDeadlineMs: c.COLLECT_DEADLINE_SECONDS * 1000,
    collectIdleTimeoutMs: c.COLLECT_IDLE_TIMEOUT_SECONDS * 1000,
    jobTimeoutSeconds: c.JOB_TIMEOUT_SECONDS,
    whenRunning: c.COLLECT_WHEN_RUNNING,
    pluginCallDeadlineMs: c.PLUGIN_CALL_DEADLINE_SECONDS * 1000,
    ingest: {
      batchSize: c.INGEST_BATCH_SIZE,
      batchMaxWaitMs: c.INGEST_BATCH_MAX_WAIT_MS,
      writers: c.INGEST_WRITERS,
      errorLimit: c.TASK_ERROR_LIMIT,
      disconnectedDeleteAfter: c.DISCONNECTED_DELETE_AFTER,
      changeHistory: c.CHANGE_HISTORY === 'on',
      batchMaxBytes: c.INGEST_BATCH_MAX_BYTES,
      maxResourceBytes: c.INGEST_MAX_RESOURCE_BYTES,
    },
    cloudServiceDataIndex: c.CLOUD_SERVICE_DATA_INDEX,
    pluginAllowedHosts: c.PLUGIN_ALLOWED_HOSTS.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean),
    tls: tlsConfig(c.INVENTORY_TLS_CERT_FILE, c.INVENTORY_TLS_KEY_FILE, c.PLUGIN_TLS_CA_FILE),
    scheduler: {
      // the `scheduler` role: fire collectors' schedules and run retention (PostgreSQL keeps replicas from firing a slot twice)
      enabled: roles.has('scheduler'),
      pollMs: c.SCHEDULER_POLL_SECONDS * 1000,
    },
    retention: {
      jobDays: c.RETENTION_JOB_DAYS,
      deletedResourceDays: c.RETENTION_DELETED_RESOURCE_DAYS,
      typeHours: c.RETENTION_TYPE_HOURS,
      regionHours: c.RETENTION_REGION_HOURS,
      intervalMinutes: c.RETENTION_INTERVAL_MINUTES,
      batchSize: c.RETENTION_BATCH_SIZE,
    },
    clockFile: c.INVENTORY_CLOCK_FILE,
  };
}

function tlsConfig(certFile: string | undefined, keyFile: string | undefined, pluginCaFile: string | undefined): InventoryConfig['tls'] {
  if (!certFile !== !keyFile) {
    throw new Error('Invalid configuration:\n  INVENTORY_TLS_CERT_FILE, INVENTORY_TLS_KEY_FILE: give both or neither');
  }
  return { certFile, keyFile, pluginCaFile };
}

/** Whether this process runs `role` (INVENTORY_ROLES). */
export function hasRole(config: Pick<InventoryConfig, 'roles'>, role: InventoryRole): boolean {
  return config.roles.has(role);
}

export const INVENTORY_CONFIG = Symbol('INVENTORY_CONFIG');
