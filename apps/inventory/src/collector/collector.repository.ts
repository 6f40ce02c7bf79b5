import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
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

  findOne(domainId: string, collectorId: string): Promise<CollectorEntity | null> {
    return this.repo.findOneBy({ domain_id: domainId, collector_id: collectorId });
  }

  async delete(manager: EntityManager, domainId: string, collectorId: string): Promise<boolean> {
    const result = await manager.getRepository(CollectorEntity).delete({ domain_id: domainId, collector_id: collectorId });
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
