import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { CollectorEntity } from './collector.entity';

@Injectable()
export class CollectorRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  list(where: FindOptionsWhere<CollectorEntity>, order: Record<string, 'ASC' | 'DESC'>, skip: number, take: number) {
    return this.repo.findAndCount({ where, order, skip, take });
  }
}
