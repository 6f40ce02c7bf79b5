import { Injectable } from '@nestjs/common';
import { DataSource, In, Not } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import { insertWithinDomainQuota } from '../common/domain-quota';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { SecretEntity } from './secret.entity';
import { SECRET_QUERY_SCHEMA } from './secret.query-schema';

export interface SecretSelection {
  domain_id: string;
  provider?: string;
  workspace_id?: string;
  secret_id?: string;
  secret_ids?: string[];
  exclude_secret_ids?: string[];
  service_account_ids?: string[];
  exclude_service_account_ids?: string[];
  schema_ids?: string[];
  exclude_schema_ids?: string[];
  /** A workspace member's collect: only the secrets of its projects. */
  project_ids?: readonly string[];
}

@Injectable()
export class SecretRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, SECRET_QUERY_SCHEMA);
  }

  private get repo() {
    return this.dataSource.getRepository(SecretEntity);
  }

  /** Inserts a new secret unless its domain already has `quota` of them (ERROR_QUOTA_EXCEEDED). */
  insert(entity: SecretEntity, quota: number): Promise<SecretEntity> {
    const limit = { table: 'secret', noun: 'secrets', setting: 'DOMAIN_MAX_SECRETS', limit: quota } as const;
    return insertWithinDomainQuota(this.dataSource, limit, entity.domain_id, (manager) => manager.save(entity));
  }

  save(entity: SecretEntity): Promise<SecretEntity> {
    return this.repo.save(entity);
  }

  findOne(domainId: string, secretId: string): Promise<SecretEntity | null> {
    return this.repo.findOneBy({ domain_id: domainId, secret_id: secretId });
  }

  /** A secret the caller may reach (rowScope), else null. */
  findScoped(where: RowWhere, secretId: string): Promise<SecretEntity | null> {
    return this.repo.findOneBy({ ...where, secret_id: secretId });
  }

  async delete(where: RowWhere, secretId: string): Promise<boolean> {
    const result = await this.repo.delete({ ...where, secret_id: secretId });
    return (result.affected ?? 0) > 0;
  }

  /** list: Cloudforet's Query over SecretInfo's keys (never the encrypted data), scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope) {
    return this.queries.stat(query, scope);
  }

  /**
   * The enabled secrets a collect uses: Cloudforet's rule (provider, the collector's workspace,
   * its secret filter), as one query.
   */
  selectForCollect(selection: SecretSelection): Promise<SecretEntity[]> {
    const qb = this.repo
      .createQueryBuilder('s')
      .where('s.domain_id = :domain', { domain: selection.domain_id })
      .andWhere("s.state = 'ENABLED'");
    if (selection.provider) qb.andWhere('s.provider = :provider', { provider: selection.provider });
    if (selection.workspace_id) qb.andWhere('s.workspace_id = :workspace', { workspace: selection.workspace_id });
    if (selection.secret_id) qb.andWhere('s.secret_id = :secretId', { secretId: selection.secret_id });
    if (selection.secret_ids) qb.andWhere({ secret_id: In(selection.secret_ids) });
    if (selection.exclude_secret_ids?.length) qb.andWhere({ secret_id: Not(In(selection.exclude_secret_ids)) });
    if (selection.service_account_ids) qb.andWhere({ service_account_id: In(selection.service_account_ids) });
    if (selection.exclude_service_account_ids?.length) {
      qb.andWhere({ service_account_id: Not(In(selection.exclude_service_account_ids)) });
    }
    if (selection.schema_ids) qb.andWhere({ schema_id: In(selection.schema_ids) });
    if (selection.project_ids) qb.andWhere({ project_id: In([...selection.project_ids]) });
    if (selection.exclude_schema_ids?.length) qb.andWhere({ schema_id: Not(In(selection.exclude_schema_ids)) });
    return qb.orderBy('s.created_at', 'ASC').getMany();
  }
}
