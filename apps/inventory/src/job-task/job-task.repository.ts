import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { JobTaskEntity } from './job-task.entity';
import { JOB_TASK_QUERY_SCHEMA } from './job-task.query-schema';

@Injectable()
export class JobTaskRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, JOB_TASK_QUERY_SCHEMA);
  }

  findOne(domainId: string, jobTaskId: string): Promise<JobTaskEntity | null> {
    return this.dataSource.getRepository(JobTaskEntity).findOneBy({ domain_id: domainId, job_task_id: jobTaskId });
  }

  /** list: Cloudforet's Query over JobTaskInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope) {
    return this.queries.stat(query, scope);
  }

  async delete(domainId: string, jobTaskId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(JobTaskEntity).delete({ domain_id: domainId, job_task_id: jobTaskId });
    return (result.affected ?? 0) > 0;
  }
}
