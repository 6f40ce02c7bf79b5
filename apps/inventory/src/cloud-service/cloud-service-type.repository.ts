import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { CloudServiceTypeEntity } from './cloud-service-type.entity';
import { CLOUD_SERVICE_TYPE_KIND } from './cloud-service-type.kind';

export type CloudServiceTypeChanges = Partial<
  Pick<CloudServiceTypeEntity, 'service_code' | 'is_primary' | 'is_major' | 'resource_type' | 'metadata' | 'labels' | 'tags'>
>;

/** cloud_service_type rows written and read through the API (collects write them in ingest). */
@Injectable()
export class CloudServiceTypeRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, CLOUD_SERVICE_TYPE_KIND.querySchema);
  }

  private get repo() {
    return this.dataSource.getRepository(CloudServiceTypeEntity);
  }

  findOne(where: RowWhere, id: string): Promise<CloudServiceTypeEntity | null> {
    return this.repo.findOneBy({ ...where, cloud_service_type_id: id });
  }

  /**
   * The new row, or null when the workspace has a type of that provider, group and name already. A
   * type that had expired (DELETED by retention: for Cloudforet it is gone) gives way to the new one.
   */
  async insert(row: Omit<CloudServiceTypeEntity, 'created_at' | 'updated_at' | 'state' | 'deleted_at'>): Promise<CloudServiceTypeEntity | null> {
    await this.dataSource.query(
      `DELETE FROM cloud_service_type WHERE domain_id = $1 AND workspace_id = $2 AND provider = $3 AND "group" = $4 AND name = $5 AND state = 'DELETED'`,
      [row.domain_id, row.workspace_id, row.provider, row.group, row.name],
    );
    const values = { ...row, state: 'ACTIVE', deleted_at: null };
    const result = await this.repo.createQueryBuilder().insert().values(values as QueryDeepPartialEntity<CloudServiceTypeEntity>).orIgnore().returning('*').execute();
    return (result.raw as CloudServiceTypeEntity[])[0] ?? null;
  }

  /**
   * Replaces the given fields, as written by hand ("manual"). The content hash is cleared: the
   * next collect that sends this type writes the plugin's values back, as Cloudforet's collect does.
   */
  async update(where: RowWhere, id: string, changes: CloudServiceTypeChanges): Promise<CloudServiceTypeEntity | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ ...changes, updated_by: 'manual', content_hash: '', state: 'ACTIVE', deleted_at: null, updated_at: () => 'now()' } as QueryDeepPartialEntity<CloudServiceTypeEntity>)
      .where({ ...where, cloud_service_type_id: id })
      .returning('*')
      .execute();
    return (result.raw as CloudServiceTypeEntity[])[0] ?? null;
  }

  /** Hard delete, as Cloudforet's. Cloud services of the type stay. */
  async delete(where: RowWhere, id: string): Promise<boolean> {
    const result = await this.repo.delete({ ...where, cloud_service_type_id: id });
    return (result.affected ?? 0) > 0;
  }

  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.stat(query, scope, typedFilters);
  }
}
