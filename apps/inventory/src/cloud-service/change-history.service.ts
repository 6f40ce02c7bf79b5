import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { asStruct, narrowsFields, toProtoShape } from '../common/proto-shape';
import { enumFilter, rowScope } from '../common/query-scope';
import { RequestScope } from '../common/request-scope';
import { ResourceQueries } from '../common/resource-queries';
import { CHANGE_RECORD_QUERY_SCHEMA } from './change-record.query-schema';
import { CloudServiceRepository } from './cloud-service.repository';
import { requiredText } from './writer-scope';

const RECORD_INFO = 'spaceone.api.inventory.v1.RecordInfo';

/**
 * Cloudforet's ChangeHistory: the change records of one cloud service. Both RPCs need
 * cloud_service_id and first check that the caller may see that cloud service (NOT_FOUND
 * otherwise; DELETED ones stay readable), then read its records in the caller's domain.
 */
@Injectable()
export class ChangeHistoryService {
  private readonly queries: ResourceQueries;

  constructor(
    dataSource: DataSource,
    private readonly cloudServices: CloudServiceRepository,
  ) {
    this.queries = new ResourceQueries(dataSource, CHANGE_RECORD_QUERY_SCHEMA);
  }

  private async checkAccess(cloudServiceId: string | undefined, scope: RequestScope): Promise<string> {
    const id = requiredText(cloudServiceId, 'cloud_service_id');
    if (!(await this.cloudServices.findOne(rowScope(scope, { byProject: true }), id))) throw AppError.notFound('CloudService', 'cloud_service_id', id);
    return id;
  }

  async list(request: inventoryV1.ChangeHistoryQuery, scope: RequestScope): Promise<inventoryV1.ChangeHistoryInfo> {
    const cloudServiceId = await this.checkAccess(request.cloud_service_id, scope);
    const { results, total_count } = await this.queries.search(request.query, { domain_id: scope.domain_id }, {
      cloud_service_id: cloudServiceId,
      action: enumFilter(request.action),
      user_id: request.user_id,
      collector_id: request.collector_id,
      job_id: request.job_id,
      updated_by: request.updated_by,
    });
    const complete = !narrowsFields(request.query);
    return { results: results.map((row) => toProtoShape(RECORD_INFO, row, complete) as unknown as inventoryV1.RecordInfo), total_count };
  }

  async stat(request: inventoryV1.ChangeHistoryStatQuery, scope: RequestScope): Promise<Struct> {
    const cloudServiceId = await this.checkAccess(request.cloud_service_id, scope);
    if (!request.query) throw AppError.required('query');
    return asStruct(await this.queries.stat(request.query, { domain_id: scope.domain_id }, { cloud_service_id: cloudServiceId }));
  }
}
