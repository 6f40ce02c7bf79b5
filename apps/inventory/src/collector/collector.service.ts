import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { generateId, ID_PREFIX } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { RowScopeRules, enumFilter, queryScope, rowScope } from '../common/query-scope';
import { RequestScope, workspaceForCreate } from '../common/request-scope';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { checkName } from '../common/resource-name';
import { secretStrings } from '../common/redact';
import { PluginClients } from '../plugin/plugin-clients';
import { PluginRegistryService } from '../plugin/plugin-registry.service';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { Clock } from '../common/clock';
import { scheduleOf, Timetable } from './collector-schedule';
import { CollectorEntity, StoredSecretFilter } from './collector.entity';
import { toCollectorInfo } from './collector.mapper';
import { collectorOptionsOf, storageOptionOf } from './collector-options';
import { CollectorRepository } from './collector.repository';
import { secretSelectionFor } from './secret-selection';

const COLLECTOR_INFO = 'spaceone.api.inventory.v1.CollectorInfo';

function secretFilterOf(filter: inventoryV1.SecretFilter | undefined | null, current?: StoredSecretFilter): StoredSecretFilter {
  if (!filter) {
    return (
      current ?? {
        state: 'DISABLED',
        secrets: [],
        service_accounts: [],
        schemas: [],
        exclude_secrets: [],
        exclude_service_accounts: [],
        exclude_schemas: [],
      }
    );
  }
  return {
    state: (filter.state as string) === 'NONE' ? 'ENABLED' : (filter.state as string),
    secrets: filter.secrets ?? [],
    service_accounts: filter.service_accounts ?? [],
    schemas: filter.schemas ?? [],
    exclude_secrets: filter.exclude_secrets ?? [],
    exclude_service_accounts: filter.exclude_service_accounts ?? [],
    exclude_schemas: filter.exclude_schemas ?? [],
  };
}

/** The bounds of the collector's own limits (seconds; tasks). */
const JOB_TIMEOUT_MAX = 30 * 24 * 3600;
const MAX_RUNNING_TASKS_MAX = 10_000;

/**
 * A collector's own limit from a request: on create, 0 is none (null); on update, 0 leaves the
 * current value and -1 removes it. Anything else outside 1..max is INVALID_ARGUMENT.
 */
function limitOf(field: string, value: number | undefined, max: number, current?: number | null): number | null {
  const given = value ?? 0;
  if (given === 0) return current ?? null;
  if (given === -1 && current !== undefined) return null;
  if (!Number.isInteger(given) || given < 1 || given > max) {
    throw AppError.invalid(`${field} must be between 1 and ${max}${current !== undefined ? ' (0 leaves it, -1 removes it)' : ' (0: none)'}.`);
  }
  return given;
}

@Injectable()
export class CollectorService {
  constructor(
    private readonly repository: CollectorRepository,
    private readonly plugins: PluginRegistryService,
    private readonly clients: PluginClients,
    private readonly secretRepository: SecretRepository,
    private readonly secrets: SecretService,
    @Inject(INVENTORY_CONFIG) private readonly config: Pick<InventoryConfig, 'quotas'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Plans the schedule's next slot of a collector just saved (the scheduler plans any it missed);
   * answers the collector as stored.
   */
  private async planned(saved: CollectorEntity): Promise<inventoryV1.CollectorInfo> {
    const timetable = Timetable.of(saved.schedule);
    await this.repository.planSchedule(saved.collector_id, saved.schedule, timetable?.next(this.clock.now()) ?? null);
    return toCollectorInfo((await this.repository.findOne(saved.domain_id, saved.collector_id)) ?? saved);
  }

  /**
   * Calls the plugin's init with the collector's options and keeps the metadata it returns; a
   * storage plugin named in the options must be registered and answer its own init. Nothing is
   * written unless both succeed.
   */
  private async initPlugins(pluginId: string, options: Record<string, unknown>, correlationId: string) {
    const plugin = await this.plugins.resolve(pluginId, 'COLLECTOR', 'plugin_info.plugin_id');
    const storage = storageOptionOf(options);
    if (storage) {
      const storagePlugin = await this.plugins.resolve(storage.plugin_id, 'STORAGE', 'plugin_info.options.storage_plugin.plugin_id');
      await this.clients.storage(storagePlugin).init(storage.options, correlationId);
    }
    const metadata = await this.clients.collector(plugin).init(collectorOptionsOf(options), correlationId);
    return { plugin, metadata };
  }

  async create(request: inventoryV1.CreateCollectorRequest, scope: RequestScope): Promise<inventoryV1.CollectorInfo> {
    const name = checkName(request.name, true)!;
    if (!request.plugin_info) throw AppError.required('plugin_info');
    const options = (request.plugin_info.options ?? {}) as Record<string, unknown>;
    const requested = (request.resource_group as string) === 'RESOURCE_GROUP_NONE'
      ? (request.workspace_id || scope.workspace_id ? 'WORKSPACE' : 'DOMAIN')
      : (request.resource_group as string);
    const { group, workspaceId } = workspaceForCreate(scope, requested, request.workspace_id);
    if (group === 'WORKSPACE' && !workspaceId) throw AppError.required('workspace_id');
    const schedule = scheduleOf(request.schedule);
    const secretFilter = secretFilterOf(request.secret_filter);
    const jobTimeout = limitOf('job_timeout', request.job_timeout, JOB_TIMEOUT_MAX);
    const maxRunningTasks = limitOf('max_running_tasks', request.max_running_tasks, MAX_RUNNING_TASKS_MAX);
    const collectorId = generateId(ID_PREFIX.collector);
    const { metadata } = await this.initPlugins(request.plugin_info.plugin_id, options, collectorId);

    const entity = new CollectorEntity();
    entity.collector_id = collectorId;
    entity.name = name;
    entity.provider = request.provider || (typeof metadata['provider'] === 'string' ? metadata['provider'] : '');
    entity.capability = (metadata['capability'] as Record<string, unknown>) ?? {};
    entity.plugin_id = request.plugin_info.plugin_id;
    entity.plugin_info = {
      plugin_id: request.plugin_info.plugin_id,
      version: request.plugin_info.version ?? '',
      options,
      metadata,
      upgrade_mode: (request.plugin_info.upgrade_mode as string) === 'NONE' ? 'AUTO' : (request.plugin_info.upgrade_mode as string),
    };
    entity.secret_filter = secretFilter;
    entity.schedule = schedule;
    entity.tags = (request.tags ?? {}) as Record<string, unknown>;
    entity.resource_group = group;
    entity.domain_id = scope.domain_id;
    entity.workspace_id = workspaceId;
    entity.last_collected_at = null;
    entity.job_timeout = jobTimeout;
    entity.max_running_tasks = maxRunningTasks;
    return this.planned(await this.repository.insert(entity, this.config.quotas.collectorsPerDomain));
  }

  async update(request: inventoryV1.UpdateCollectorRequest, scope: RequestScope): Promise<inventoryV1.CollectorInfo> {
    const entity = await this.load(request.collector_id, scope);
    const name = checkName(request.name, false);
    if (name) entity.name = name;
    if (request.schedule) entity.schedule = scheduleOf(request.schedule, entity.schedule);
    if (request.secret_filter) entity.secret_filter = secretFilterOf(request.secret_filter, entity.secret_filter);
    if (request.tags) entity.tags = request.tags as Record<string, unknown>;
    entity.job_timeout = limitOf('job_timeout', request.job_timeout, JOB_TIMEOUT_MAX, entity.job_timeout);
    entity.max_running_tasks = limitOf('max_running_tasks', request.max_running_tasks, MAX_RUNNING_TASKS_MAX, entity.max_running_tasks);
    return this.planned(await this.repository.save(entity));
  }

  async updatePlugin(request: inventoryV1.UpdatePluginRequest, scope: RequestScope): Promise<inventoryV1.CollectorInfo> {
    const entity = await this.load(request.collector_id, scope);
    const options = request.options ? (request.options as Record<string, unknown>) : entity.plugin_info.options;
    const { metadata } = await this.initPlugins(entity.plugin_id, options, entity.collector_id);
    entity.plugin_info = {
      ...entity.plugin_info,
      version: request.version || entity.plugin_info.version,
      options,
      metadata,
      upgrade_mode: (request.upgrade_mode as string) === 'NONE' ? entity.plugin_info.upgrade_mode : (request.upgrade_mode as string),
    };
    return toCollectorInfo(await this.repository.save(entity));
  }

  /** A workspace caller also reads the domain-level collectors (Cloudforet's APPEND of "*"). */
  async get(collectorId: string, scope: RequestScope): Promise<inventoryV1.CollectorInfo> {
    return toCollectorInfo(await this.load(collectorId, scope, { withDomainLevel: true }));
  }

  /**
   * Cloudforet's Collector.list: the query plus the request's own filters, in the caller's domain
   * (and the request's workspace with the domain-level collectors, workspace_id "*").
   */
  async list(request: inventoryV1.CollectorQuery, scope: RequestScope): Promise<inventoryV1.CollectorsInfo> {
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id, true), {
      collector_id: request.collector_id,
      name: request.name,
      secret_filter_state: enumFilter(request.secret_filter_state),
      schedule_state: enumFilter(request.schedule_state),
      plugin_id: request.plugin_id,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(COLLECTOR_INFO, row, complete) as unknown as inventoryV1.CollectorInfo), total_count };
  }

  /** `{results, total_count?}`; not capped when the query has no page, as in Cloudforet. */
  async stat(request: inventoryV1.CollectorStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined, true)));
  }

  /** Asks the plugin to verify the secret(s) the collector would use. */
  async verifyPlugin(request: inventoryV1.VerifyPluginRequest, scope: RequestScope): Promise<void> {
    const collector = await this.load(request.collector_id, scope);
    const selected = await this.secretRepository.selectForCollect(secretSelectionFor(collector, request.secret_id));
    if (request.secret_id && selected.length === 0) {
      throw AppError.notFound('Secret', 'secret_id', `${request.secret_id} (usable by collector ${collector.collector_id})`);
    }
    if (selected.length === 0) {
      throw new AppError(ErrorCode.FAILED_PRECONDITION, `Collector ${collector.collector_id} has no secret to verify.`);
    }
    const plugin = await this.plugins.resolve(collector.plugin_id, 'COLLECTOR', 'plugin_info.plugin_id');
    const client = this.clients.collector(plugin);
    for (const secret of selected) {
      const data = this.secrets.decrypt(secret);
      await client.verify(collectorOptionsOf(collector.plugin_info.options), data, secretStrings(data), collector.collector_id);
    }
  }

  /**
   * A collector the caller may reach. Writes and collects reach only the caller's workspace (a
   * domain-level collector belongs to the domain's admins); reads pass `withDomainLevel`.
   */
  async load(collectorId: string, scope: RequestScope, rules: RowScopeRules = {}): Promise<CollectorEntity> {
    if (!collectorId) throw AppError.required('collector_id');
    const entity = await this.repository.findScoped(rowScope(scope, rules), collectorId);
    if (!entity) throw AppError.notFound('Collector', 'collector_id', collectorId);
    return entity;
  }
}
