import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryScope, TypedFilters } from '@cloud-inventory/query';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { JobTaskEntity } from './job-task.entity';
import { JOB_TASK_QUERY_SCHEMA } from './job-task.query-schema';

/** One task of a new job: one secret, and the plugin's split of the collect (task_options) when it made one. */
export interface NewJobTask {
  job_task_id: string;
  secret_id: string;
  provider: string;
  task_options: Record<string, unknown> | null;
  workspace_id: string;
  project_id: string;
  service_account_id: string;
}

@Injectable()
export class JobTaskRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, JOB_TASK_QUERY_SCHEMA);
  }

  /** In the job's transaction: its tasks, in one statement. */
  async insertForJob(
    manager: EntityManager,
    job: { job_id: string; collector_id: string; domain_id: string },
    tasks: NewJobTask[],
  ): Promise<void> {
    if (tasks.length === 0) return;
    await manager.query(
      `INSERT INTO job_task (job_task_id, job_id, collector_id, secret_id, provider, task_options,
                             domain_id, workspace_id, project_id, service_account_id)
       SELECT t.job_task_id, $1, $2, t.secret_id, t.provider, t.task_options, $3, t.workspace_id, t.project_id, t.service_account_id
         FROM jsonb_to_recordset($4::jsonb) AS t(job_task_id text, secret_id text, provider text, task_options jsonb,
                                                  workspace_id text, project_id text, service_account_id text)`,
      [job.job_id, job.collector_id, job.domain_id, JSON.stringify(tasks)],
    );
  }

  findOne(domainId: string, jobTaskId: string): Promise<JobTaskEntity | null> {
    return this.dataSource.getRepository(JobTaskEntity).findOneBy({ domain_id: domainId, job_task_id: jobTaskId });
  }

  /** A job task the caller may reach (rowScope), else null. */
  findScoped(where: RowWhere, jobTaskId: string): Promise<JobTaskEntity | null> {
    return this.dataSource.getRepository(JobTaskEntity).findOneBy({ ...where, job_task_id: jobTaskId });
  }

  /** list: Cloudforet's Query over JobTaskInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope) {
    return this.queries.stat(query, scope);
  }

  async delete(where: RowWhere, jobTaskId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(JobTaskEntity).delete({ ...where, job_task_id: jobTaskId });
    return (result.affected ?? 0) > 0;
  }
}
