import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CompileOptions, QueryScope, TypedFilters } from '@cloud-inventory/query';
import type { RowWhere } from '../common/query-scope';
import { RequestQuery, ResourceQueries } from '../common/resource-queries';
import { sqlRows } from '../common/sql-rows';
import { JobEntity } from './job.entity';
import { JOB_QUERY_SCHEMA } from './job.query-schema';

/**
 * A job as a collect creates it; its counters follow from the number of its tasks. Started by an
 * API call unless `trigger` says otherwise.
 */
export type NewJob = Omit<
  JobEntity,
  'created_at' | 'updated_at' | 'finished_at' | 'deadline_at' | 'status' | 'total_tasks' | 'remained_tasks' | 'success_tasks' | 'failure_tasks' | 'trigger' | 'scheduled_at'
> &
  Partial<Pick<JobEntity, 'trigger' | 'scheduled_at'>>;

@Injectable()
export class JobRepository {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, JOB_QUERY_SCHEMA);
  }

  /**
   * Inserts a job of `taskCount` tasks (in the caller's transaction, which inserts the tasks too),
   * due to end TIMEOUT `timeoutSeconds` from now. A job with no tasks is born finished, as in Cloudforet.
   */
  async insert(manager: EntityManager, job: NewJob, taskCount: number, timeoutSeconds: number): Promise<JobEntity> {
    const [row] = await manager.query(
      `INSERT INTO job (job_id, status, total_tasks, remained_tasks, request_secret_id, request_workspace_id,
                        resource_group, domain_id, workspace_id, collector_id, plugin_id, trigger, scheduled_at, finished_at, deadline_at)
       VALUES ($1, CASE WHEN $2::int = 0 THEN 'SUCCESS' ELSE 'IN_PROGRESS' END, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
               CASE WHEN $2::int = 0 THEN now() END, now() + make_interval(secs => $12))
       RETURNING *`,
      [
        job.job_id,
        taskCount,
        job.request_secret_id,
        job.request_workspace_id,
        job.resource_group,
        job.domain_id,
        job.workspace_id,
        job.collector_id,
        job.plugin_id,
        job.trigger ?? 'API',
        job.scheduled_at ?? null,
        timeoutSeconds,
      ],
    );
    return row as JobEntity;
  }

  findOne(domainId: string, jobId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ domain_id: domainId, job_id: jobId });
  }

  /** A job the caller may reach (rowScope), else null. */
  findScoped(where: RowWhere, jobId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ ...where, job_id: jobId });
  }

  findRunning(collectorId: string, requestSecretId: string, requestWorkspaceId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({
      collector_id: collectorId,
      request_secret_id: requestSecretId,
      request_workspace_id: requestWorkspaceId,
      status: 'IN_PROGRESS',
    });
  }

  /** The job a collector's schedule started for `slot`, if any. */
  findScheduled(collectorId: string, slot: Date): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ collector_id: collectorId, scheduled_at: slot });
  }

  /** In the caller's transaction: deletes a job with its tasks and their queue entries (foreign keys cascade). */
  async delete(manager: EntityManager, where: RowWhere, jobId: string): Promise<boolean> {
    const result = await manager.getRepository(JobEntity).delete({ ...where, job_id: jobId });
    return (result.affected ?? 0) > 0;
  }

  /** In the caller's transaction: deletes a collector's jobs (with their tasks); returns their ids. */
  async deleteByCollector(manager: EntityManager, domainId: string, collectorId: string): Promise<string[]> {
    const deleted = await manager.query(`DELETE FROM job WHERE domain_id = $1 AND collector_id = $2 RETURNING job_id`, [domainId, collectorId]);
    return sqlRows<{ job_id: string }>(deleted).map((row) => row.job_id);
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
}
