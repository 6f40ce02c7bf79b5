import { Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { JobTaskEntity } from './job-task.entity';

@Injectable()
export class JobTaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  findOne(domainId: string, jobTaskId: string): Promise<JobTaskEntity | null> {
    return this.dataSource.getRepository(JobTaskEntity).findOneBy({ domain_id: domainId, job_task_id: jobTaskId });
  }

  list(where: FindOptionsWhere<JobTaskEntity>, order: Record<string, 'ASC' | 'DESC'>, skip: number, take: number) {
    return this.dataSource.getRepository(JobTaskEntity).findAndCount({ where, order, skip, take });
  }

  async delete(domainId: string, jobTaskId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(JobTaskEntity).delete({ domain_id: domainId, job_task_id: jobTaskId });
    return (result.affected ?? 0) > 0;
  }
}
