import { Injectable } from '@nestjs/common';
import { Not } from 'typeorm';
import { AppError } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { RequestScope } from '../common/request-scope';
import { orderOf, pageOf } from '../common/simple-page';
import { toCloudServiceInfo } from './cloud-service.mapper';
import { CloudServiceRepository } from './cloud-service.repository';

const SORTABLE = ['name', 'created_at', 'updated_at', 'provider', 'cloud_service_group', 'cloud_service_type', 'region_code', 'account', 'cloud_service_id'] as const;
const TYPED = ['cloud_service_id', 'name', 'account', 'instance_type', 'cloud_service_type', 'cloud_service_group', 'provider', 'region_code', 'workspace_id', 'project_id'] as const;

@Injectable()
export class CloudServiceService {
  constructor(private readonly repository: CloudServiceRepository) {}

  async get(cloudServiceId: string, scope: RequestScope): Promise<inventoryV1.CloudServiceInfo> {
    if (!cloudServiceId) throw AppError.required('cloud_service_id');
    const row = await this.repository.findOne(scope.domain_id, cloudServiceId);
    if (!row) throw AppError.notFound('CloudService', 'cloud_service_id', cloudServiceId);
    return toCloudServiceInfo(row);
  }

  /** As in Cloudforet, DELETED resources are listed only when the request asks for a state. */
  async list(request: inventoryV1.CloudServiceQuery, scope: RequestScope): Promise<inventoryV1.CloudServicesInfo> {
    const where: Record<string, unknown> = { domain_id: scope.domain_id };
    for (const key of TYPED) if (request[key]) where[key] = request[key];
    where['state'] = request.state ? request.state : Not('DELETED');
    if (request.ip_address) where['ip_addresses'] = CloudServiceRepository.hasIpAddress(request.ip_address);
    const { skip, take } = pageOf(request.query);
    const [rows, total] = await this.repository.list(where, orderOf(request.query, SORTABLE, { created_at: 'ASC', cloud_service_id: 'ASC' }), skip, take);
    return { results: rows.map(toCloudServiceInfo), total_count: total };
  }

  async delete(cloudServiceId: string, scope: RequestScope): Promise<void> {
    if (!cloudServiceId) throw AppError.required('cloud_service_id');
    if (!(await this.repository.markDeleted(scope.domain_id, cloudServiceId))) {
      throw AppError.notFound('CloudService', 'cloud_service_id', cloudServiceId);
    }
  }
}
