import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { CompileOptions, QueryScope, TypedFilters } from '@cloud-inventory/query';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { sqlRows } from '../common/sql-rows';
import { JobTaskEntity } from '../job-task/job-task.entity';
import { JobEntity } from './job.entity';
import { JOB_QUERY_SCHEMA } from './job.query-schema';

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
export class JobRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, JOB_QUERY_SCHEMA);
  }

  /**
   * Inserts a job and its tasks (two statements, in the caller's transaction). A job with no
   * tasks is born finished, as in Cloudforet.
   */
  async insertWithTasks(manager: EntityManager, job: Omit<JobEntity, 'created_at' | 'updated_at' | 'finished_at' | 'status' | 'total_tasks' | 'remained_tasks' | 'success_tasks' | 'failure_tasks'>, tasks: NewJobTask[]): Promise<JobEntity> {
    const [row] = await manager.query(
      `INSERT INTO job (job_id, status, total_tasks, remained_tasks, request_secret_id, request_workspace_id,
                        resource_group, domain_id, workspace_id, collector_id, plugin_id, finished_at)
       VALUES ($1, CASE WHEN $2::int = 0 THEN 'SUCCESS' ELSE 'IN_PROGRESS' END, $2, $2, $3, $4, $5, $6, $7, $8, $9,
               CASE WHEN $2::int = 0 THEN now() END)
       RETURNING *`,
      [
        job.job_id,
        tasks.length,
        job.request_secret_id,
        job.request_workspace_id,
        job.resource_group,
        job.domain_id,
        job.workspace_id,
        job.collector_id,
        job.plugin_id,
      ],
    );
    if (tasks.length > 0) {
      await manager.query(
        `INSERT INTO job_task (job_task_id, job_id, collector_id, secret_id, provider, task_options,
                               domain_id, workspace_id, project_id, service_account_id)
         SELECT t.job_task_id, $1, $2, t.secret_id, t.provider, t.task_options, $3, t.workspace_id, t.project_id, t.service_account_id
           FROM jsonb_to_recordset($4::jsonb) AS t(job_task_id text, secret_id text, provider text, task_options jsonb,
                                                    workspace_id text, project_id text, service_account_id text)`,
        [job.job_id, job.collector_id, job.domain_id, JSON.stringify(tasks)],
      );
    }
    return row as JobEntity;
  }

  findOne(domainId: string, jobId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ domain_id: domainId, job_id: jobId });
  }

  findRunning(collectorId: string, requestSecretId: string, requestWorkspaceId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({
      collector_id: collectorId,
      request_secret_id: requestSecretId,
      request_workspace_id: requestWorkspaceId,
      status: 'IN_PROGRESS',
    });
  }

  /** Deletes a job with its tasks, their queue entries and its collect bookkeeping. */
  async delete(domainId: string, jobId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const deleted = await manager.query(`DELETE FROM job WHERE domain_id = $1 AND job_id = $2 RETURNING job_id`, [domainId, jobId]);
      if (sqlRows(deleted).length === 0) return false;
      await manager.query(`DELETE FROM collect_seen WHERE job_id = $1`, [jobId]);
      return true;
    });
  }

  async deleteByCollector(manager: EntityManager, domainId: string, collectorId: string): Promise<void> {
    await manager.query(`DELETE FROM collect_seen WHERE job_id IN (SELECT job_id FROM job WHERE domain_id = $1 AND collector_id = $2)`, [domainId, collectorId]);
    await manager.query(`DELETE FROM job WHERE domain_id = $1 AND collector_id = $2`, [domainId, collectorId]);
  }

  /** list: Cloudforet's Query over JobInfo's keys, scoped first. */
  search(query: RequestQuery, scope: QueryScope, typedFilters?: TypedFilters) {
    return this.queries.search(query, scope, typedFilters);
  }

  stat(query: RequestQuery, scope: QueryScope, options?: CompileOptions) {
    return this.queries.stat(query, scope, undefined, options);
  }

  analyze(query: RequestQuery, scope: QueryScope, options?: CompileOptions) {
    return this.queries.analyze(query, scope, undefined, options);
  }

  tasksOf(jobIds: string[]): Promise<JobTaskEntity[]> {
    return this.dataSource.getRepository(JobTaskEntity).findBy({ job_id: In(jobIds) });
  }
}
