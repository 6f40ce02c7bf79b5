import { Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere, Not, Raw } from 'typeorm';
import { CloudServiceEntity } from './cloud-service.entity';

@Injectable()
export class CloudServiceRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(CloudServiceEntity);
  }

  findOne(domainId: string, cloudServiceId: string): Promise<CloudServiceEntity | null> {
    return this.repo.findOneBy({ domain_id: domainId, cloud_service_id: cloudServiceId });
  }

  list(where: FindOptionsWhere<CloudServiceEntity>, order: Record<string, 'ASC' | 'DESC'>, skip: number, take: number) {
    return this.repo.findAndCount({ where, order, skip, take });
  }

  /** Soft delete, as collects do: the row stays, DELETED, and is never matched again. */
  async markDeleted(domainId: string, cloudServiceId: string): Promise<boolean> {
    const result = await this.repo.update(
      { domain_id: domainId, cloud_service_id: cloudServiceId, state: Not('DELETED') },
      { state: 'DELETED', deleted_at: () => 'now()', updated_at: () => 'now()' },
    );
    return (result.affected ?? 0) > 0;
  }

  /** ip_addresses (a JSON array) contains the address. */
  static hasIpAddress(address: string) {
    return Raw((column) => `${column} @> jsonb_build_array(:address::text)`, { address });
  }
}
