import { DataSource } from 'typeorm';
import { generateId, ID_PREFIX } from '../common/ids';
import { JobTaskRepository, NewJobTask } from '../job-task/job-task.repository';
import { JobRepository, NewJob } from '../job/job.repository';

export interface JobFixture {
  jobId: string;
  collectorId: string;
  domainId: string;
  tasks: NewJobTask[];
}

/**
 * A job with `count` tasks through the same repository code collects use; tasks are queued and,
 * when `leaseOwner` is given, claimed by it and IN_PROGRESS.
 */
export async function createJob(
  dataSource: DataSource,
  options: {
    count: number;
    secrets?: string[];
    leaseOwner?: string;
    domainId?: string;
    collectorId?: string;
    workspaceId?: string;
    /** The job's timeout (default 7200 s). */
    timeoutSeconds?: number;
    /** The collector's cap on running tasks, as the queue entries carry it. */
    maxRunning?: number | null;
  },
): Promise<JobFixture> {
  const jobId = generateId(ID_PREFIX.job);
  const collectorId = options.collectorId ?? generateId(ID_PREFIX.collector);
  const domainId = options.domainId ?? 'domain-test';
  const secrets = options.secrets ?? ['secret-a'];
  const tasks: NewJobTask[] = Array.from({ length: options.count }, (_, i) => ({
    job_task_id: generateId(ID_PREFIX.jobTask),
    secret_id: secrets[i % secrets.length],
    provider: 'synthetic',
    task_options: null,
    workspace_id: options.workspaceId ?? 'workspace-1',
    project_id: '',
    service_account_id: '',
  }));
  const job: NewJob = {
    job_id: jobId,
    request_secret_id: '',
    request_workspace_id: '',
    resource_group: 'DOMAIN',
    domain_id: domainId,
    workspace_id: '*',
    collector_id: collectorId,
    plugin_id: 'synthetic',
  };
  await dataSource.transaction(async (manager) => {
    await new JobRepository(dataSource).insert(manager, job, tasks.length, options.timeoutSeconds ?? 7200);
    await new JobTaskRepository(dataSource).insertForJob(manager, job, tasks);
    // no NOTIFY (TaskQueueRepository.enqueue sends one): workers find these by polling
    await manager.query(
      `INSERT INTO task_queue (job_task_id, job_id, domain_id, collector_id, max_running) SELECT unnest($1::text[]), $2, $3, $4, $5`,
      [tasks.map((t) => t.job_task_id), jobId, domainId, collectorId, options.maxRunning ?? null],
    );
  });
  if (options.leaseOwner) {
    await dataSource.query(
      `UPDATE task_queue SET lease_owner = $1, lease_expires_at = now() + interval '1 hour', attempts = 1 WHERE job_task_id = ANY($2)`,
      [options.leaseOwner, tasks.map((t) => t.job_task_id)],
    );
    await dataSource.query(`UPDATE job_task SET status = 'IN_PROGRESS', started_at = now() WHERE job_id = $1`, [jobId]);
  }
  return { jobId, collectorId, domainId, tasks };
}

export async function jobRow(dataSource: DataSource, jobId: string) {
  const [row] = await dataSource.query(`SELECT * FROM job WHERE job_id = $1`, [jobId]);
  return row;
}
