import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import { insertWithinDomainQuota } from '../common/domain-quota';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { CollectorEntity } from './collector.entity';
import { COLLECTOR_QUERY_SCHEMA } from './collector.query-schema';

@Injectable()
export class CollectorRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, COLLECTOR_QUERY_SCHEMA);
  }

  private get repo() {
    return this.dataSource.getRepository(CollectorEntity);
  }

  save(entity: CollectorEntity): Promise<CollectorEntity> {
    return this.repo.save(entity);
  }

  /** Inserts a new collector unless its domain already has `quota` of them (ERROR_QUOTA_EXCEEDED). */
  insert(entity: CollectorEntity, quota: number): Promise<CollectorEntity> {
    const limit = { table: 'collector', noun: 'collectors', setting: 'DOMAIN_MAX_COLLECTORS', limit: quota } as const;
    return insertWithinDomainQuota(this.dataSource, limit, entity.domain_id, (manager) => manager.save(entity));
  }

  findOne(domainId: string, collectorId: string): Promise<CollectorEntity | null> {
    return this.repo.findOneBy({ domain_id: domainId, collector_id: collectorId });
  }

  /** A collector the caller may reach (rowScope), else null. */
  findScoped(where: RowWhere, collectorId: string): Promise<CollectorEntity | null> {
    return this.repo.findOneBy({ ...where, collector_id: collectorId });
  }

  async delete(manager: EntityManager, where: RowWhere, collectorId: string): Promise<boolean> {
    const result = await manager.getRepository(CollectorEntity).delete({ ...where, collector_id: collectorId });
    return (result.affected ?? 0) > 0;
  }

  async touchLastCollected(manager: EntityManager, collectorId: string): Promise<void> {
    await manager.query(`UPDATE collector SET last_collected_at = now() WHERE collector_id = $1`, [collectorId]);
  }

  /** list: Cloudforet's Query over CollectorInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope) {
    return this.queries.stat(query, scope);
  }
}
