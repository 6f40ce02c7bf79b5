import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { RegionEntity } from './region.entity';
import { REGION_KIND } from './region.kind';

export type RegionChanges = Partial<Pick<RegionEntity, 'name' | 'tags'>>;

/** region rows written and read through the API (collects write them in ingest). */
@Injectable()
export class RegionRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, REGION_KIND.querySchema);
  }

  private get repo() {
    return this.dataSource.getRepository(RegionEntity);
  }

  findOne(where: RowWhere, id: string): Promise<RegionEntity | null> {
    return this.repo.findOneBy({ ...where, region_id: id });
  }

  /**
   * The new row, or null when the workspace has a region of that provider and code already. A
   * region that had expired (DELETED by retention: for Cloudforet it is gone) gives way to the new one.
   */
  async insert(row: Omit<RegionEntity, 'created_at' | 'updated_at' | 'state' | 'deleted_at'>): Promise<RegionEntity | null> {
    await this.dataSource.query(
      `DELETE FROM region WHERE domain_id = $1 AND workspace_id = $2 AND provider = $3 AND region_code = $4 AND state = 'DELETED'`,
      [row.domain_id, row.workspace_id, row.provider, row.region_code],
    );
    const values = { ...row, state: 'ACTIVE', deleted_at: null };
    const result = await this.repo.createQueryBuilder().insert().values(values as QueryDeepPartialEntity<RegionEntity>).orIgnore().returning('*').execute();
    return (result.raw as RegionEntity[])[0] ?? null;
  }

  /**
   * Replaces the given fields, as written by hand ("manual"). The content hash is cleared: the
   * next collect that sends this region writes the plugin's values back, as Cloudforet's collect does.
   */
  async update(where: RowWhere, id: string, changes: RegionChanges): Promise<RegionEntity | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ ...changes, updated_by: 'manual', content_hash: '', state: 'ACTIVE', deleted_at: null, updated_at: () => 'now()' } as QueryDeepPartialEntity<RegionEntity>)
      .where({ ...where, region_id: id })
      .returning('*')
      .execute();
    return (result.raw as RegionEntity[])[0] ?? null;
  }

  /** Hard delete, as Cloudforet's. Cloud services in the region stay. */
  async delete(where: RowWhere, id: string): Promise<boolean> {
    const result = await this.repo.delete({ ...where, region_id: id });
    return (result.affected ?? 0) > 0;
  }

  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.stat(query, scope, typedFilters);
  }
}
