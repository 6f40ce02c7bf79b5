import { ResourceItem } from '../ingest/ingest-item';
import type { DataSource } from 'typeorm';
import { IngestContext, IngestRepository, BatchCounts } from '../ingest/ingest.repository';
import { TaskStateRepository } from '../job-task/task-state.repository';
import { normalizeResource } from '../ingest/resource-normalizer';
import { createJob, JobFixture } from './fixtures';
import { testConfig } from './migrated-database';
import { resourceInfoFrame } from './resource-frames';

export type ResourceInfoFields = Parameters<typeof resourceInfoFrame>[0];

const RULE = { '1': ['reference.resource_id', 'provider', 'cloud_service_type', 'cloud_service_group', 'account'] };

/** The ResourceInfo of an EC2 instance `vm-<id>` (reference.resource_id `i-<id>`), as a plugin sends it. */
export function instance(id: number, extra: Record<string, unknown> = {}, rules: Record<string, string[]> = RULE): ResourceInfoFields {
  return {
    resource_type: 'inventory.CloudService',
    match_rules: rules,
    resource: {
      name: `vm-${id}`,
      provider: 'aws',
      account: '111',
      cloud_service_group: 'EC2',
      cloud_service_type: 'Instance',
      region_code: 'us-east-1',
      reference: { resource_id: `i-${id}` },
      data: { size: 'small', disks: [1, 2] },
      tags: { env: 'prod' },
      ...extra,
    },
  };
}

/** ResourceInfos as a task of `job` would have them ready for its batch: encoded, decoded, normalized. */
export function itemsOf(job: JobFixture, infos: ResourceInfoFields[]): ResourceItem[] {
  const scope = { domain_id: job.domainId, workspace_id: job.tasks[0].workspace_id };
  return infos.map((info) => {
    const item = normalizeResource(resourceInfoFrame(info), scope, (text) => text);
    if (item.kind === 'failure') throw new Error(item.error.message);
    return item;
  });
}

/** Who writes for task `index` of `job`: the worker `leaseOwner`. */
export function ingestContextOf(job: JobFixture, index = 0, leaseOwner = 'worker-1'): IngestContext {
  const task = job.tasks[index];
  return {
    job_task_id: task.job_task_id,
    job_id: job.jobId,
    collector_id: job.collectorId,
    secret_id: task.secret_id,
    domain_id: job.domainId,
    workspace_id: task.workspace_id,
    service_account_id: '',
    project_id: '',
    lease_owner: leaseOwner,
  };
}

/**
 * A one-task collect of `infos` into the database, as a worker writes it (one batch through ingest),
 * its task then ended SUCCESS and folded into its job by the state machine alone (no disconnection),
 * so that the collector's next job may start.
 */
export async function collectInto(
  dataSource: DataSource,
  infos: ResourceInfoFields[],
  options: { domainId: string; workspaceId: string; collectorId: string },
): Promise<{ job: JobFixture; counts: BatchCounts }> {
  const states = new TaskStateRepository(dataSource, testConfig());
  const ingest = new IngestRepository(dataSource, testConfig(), states);
  const job = await createJob(dataSource, { count: 1, leaseOwner: 'worker-1', ...options });
  const counts = await ingest.writeBatch(ingestContextOf(job), itemsOf(job, infos), []);
  await dataSource.transaction(async (manager) => {
    await states.end(manager, job.tasks[0].job_task_id, { status: 'SUCCESS' });
    // the ending folded into the job at once, so the job ends SUCCESS
    await states.fold(manager, job.jobId);
  });
  return { job, counts };
}
