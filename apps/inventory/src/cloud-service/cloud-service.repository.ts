import { Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { CloudServiceEntity } from './cloud-service.entity';
import { CLOUD_SERVICE_QUERY_SCHEMA } from './cloud-service.kind';

@Injectable()
export class CloudServiceRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, CLOUD_SERVICE_QUERY_SCHEMA);
  }

  private get repo() {
    return this.dataSource.getRepository(CloudServiceEntity);
  }

  findOne(where: RowWhere, cloudServiceId: string): Promise<CloudServiceEntity | null> {
    return this.repo.findOneBy({ ...where, cloud_service_id: cloudServiceId });
  }

  /** list: Cloudforet's Query over CloudServiceInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.stat(query, scope, typedFilters);
  }

  analyze(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.analyze(query, scope, typedFilters);
  }

  /** Soft delete, as collects do: the row stays, DELETED, and is never matched again. */
  async markDeleted(where: RowWhere, cloudServiceId: string): Promise<boolean> {
    const result = await this.repo.update(
      { ...where, cloud_service_id: cloudServiceId, state: Not('DELETED') },
      { state: 'DELETED', deleted_at: () => 'now()', updated_at: () => 'now()' },
    );
    return (result.affected ?? 0) > 0;
  }
}
