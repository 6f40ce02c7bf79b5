import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@cloud-inventory/grpc';
import { Struct, secretV1 } from '@cloud-inventory/proto';
import { generateId, ID_PREFIX } from '../common/ids';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { enumFilter, queryScope, rowScope } from '../common/query-scope';
import { RequestScope, workspaceForCreate } from '../common/request-scope';
import { INVENTORY_CONFIG, InventoryConfig } from '../inventory.config';
import { checkName } from '../common/resource-name';
import { SecretCipher } from './secret-cipher';
import { SecretEntity } from './secret.entity';
import { toSecretInfo } from './secret.mapper';
import { SecretRepository } from './secret.repository';

const MAX_DATA_BYTES = 64 * 1024;
const SECRET_INFO = 'spaceone.api.secret.v1.SecretInfo';

function checkData(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length === 0) {
    throw AppError.required('data');
  }
  if (Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES) {
    throw AppError.invalid(`data must be at most ${MAX_DATA_BYTES} bytes of JSON.`);
  }
  return data as Record<string, unknown>;
}

@Injectable()
export class SecretService {
  constructor(
    private readonly repository: SecretRepository,
    @Inject(SecretCipher) private readonly cipher: SecretCipher,
    @Inject(INVENTORY_CONFIG) private readonly config: Pick<InventoryConfig, 'quotas'>,
  ) {}

  async create(request: secretV1.CreateSecretRequest, scope: RequestScope): Promise<secretV1.SecretInfo> {
    const name = checkName(request.name, true)!;
    const data = checkData(request.data);
    const requested = (request.resource_group as string) === 'RESOURCE_GROUP_NONE'
      ? request.workspace_id || scope.workspace_id ? (request.project_id ? 'PROJECT' : 'WORKSPACE') : 'DOMAIN'
      : (request.resource_group as string);
    const { group, workspaceId } = workspaceForCreate(scope, requested, request.workspace_id);
    if ((group === 'WORKSPACE' || group === 'PROJECT') && !workspaceId) throw AppError.required('workspace_id');
    if (group === 'PROJECT' && !request.project_id) throw AppError.required('project_id');
    const entity = new SecretEntity();
    entity.secret_id = generateId(ID_PREFIX.secret);
    entity.name = name;
    entity.state = 'ENABLED';
    entity.schema_id = request.schema_id ?? '';
    entity.provider = request.provider ?? '';
    entity.tags = (request.tags ?? {}) as Record<string, unknown>;
    entity.resource_group = group;
    entity.domain_id = scope.domain_id;
    entity.workspace_id = workspaceId;
    entity.project_id = group === 'PROJECT' ? request.project_id : '';
    entity.service_account_id = request.service_account_id ?? '';
    entity.trusted_secret_id = request.trusted_secret_id ?? '';
    entity.encrypted_data = this.cipher.encrypt(entity, data);
    return toSecretInfo(await this.repository.insert(entity, this.config.quotas.secretsPerDomain));
  }

  async update(request: secretV1.UpdateSecretRequest, scope: RequestScope): Promise<secretV1.SecretInfo> {
    const entity = await this.load(request.secret_id, scope);
    const name = checkName(request.name, false);
    if (name) entity.name = name;
    if (request.tags) entity.tags = request.tags as Record<string, unknown>;
    if (request.project_id) entity.project_id = request.project_id;
    return toSecretInfo(await this.repository.save(entity));
  }

  async updateData(request: secretV1.UpdateSecretDataRequest, scope: RequestScope): Promise<void> {
    const entity = await this.load(request.secret_id, scope);
    entity.encrypted_data = this.cipher.encrypt(entity, checkData(request.data));
    if (request.schema_id) entity.schema_id = request.schema_id;
    await this.repository.save(entity);
  }

  async setState(secretId: string, state: 'ENABLED' | 'DISABLED', scope: RequestScope): Promise<secretV1.SecretInfo> {
    const entity = await this.load(secretId, scope);
    entity.state = state;
    return toSecretInfo(await this.repository.save(entity));
  }

  async delete(secretId: string, scope: RequestScope): Promise<void> {
    if (!secretId) throw AppError.required('secret_id');
    if (!(await this.repository.delete(rowScope(scope, { byProject: true }), secretId))) throw AppError.notFound('Secret', 'secret_id', secretId);
  }

  async get(secretId: string, scope: RequestScope): Promise<secretV1.SecretInfo> {
    return toSecretInfo(await this.load(secretId, scope));
  }

  /** Cloudforet's Secret.list: the query plus the request's own filters, in the caller's domain (and workspace). Never the data. */
  async list(request: secretV1.SecretQuery, scope: RequestScope): Promise<secretV1.SecretsInfo> {
    const { results, total_count } = await this.repository.search(request.query, queryScope(scope, request.workspace_id), {
      secret_id: request.secret_id,
      name: request.name,
      state: enumFilter(request.state),
      schema_id: request.schema_id,
      provider: request.provider,
      project_id: request.project_id,
      service_account_id: request.service_account_id,
      trusted_secret_id: request.trusted_secret_id,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(SECRET_INFO, row, complete) as unknown as secretV1.SecretInfo), total_count };
  }

  async stat(request: secretV1.SecretStatQuery, scope: RequestScope): Promise<Struct> {
    return asStruct(await this.repository.stat(request.query, queryScope(scope, undefined)));
  }

  /** The decrypted data of a secret, for the plugin call that needs it; never returned to a client. */
  decrypt(entity: SecretEntity): Record<string, unknown> {
    return this.cipher.decrypt(entity, entity.encrypted_data);
  }

  private async load(secretId: string, scope: RequestScope): Promise<SecretEntity> {
    if (!secretId) throw AppError.required('secret_id');
    const entity = await this.repository.findScoped(rowScope(scope, { byProject: true }), secretId);
    if (!entity) throw AppError.notFound('Secret', 'secret_id', secretId);
    return entity;
  }
}
