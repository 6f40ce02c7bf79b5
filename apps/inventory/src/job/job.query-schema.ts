import { defineResourceSchema } from '@cloud-inventory/query';

/**
 * Job as the query language sees it: the API keys of JobInfo over the job table. Cloudforet's
 * model: ordering `-created_at`, keyword on `job_id`, minimal fields as in job_model.py. Ours:
 * `trigger` (API or SCHEDULE) and `scheduled_at` (the schedule slot of a SCHEDULE job).
 */
export const JOB_QUERY_SCHEMA = defineResourceSchema({
  resource: 'Job',
  table: 'job',
  idKey: 'job_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id' },
  fields: {
    job_id: 'text',
    status: 'text',
    total_tasks: 'int',
    remained_tasks: 'int',
    success_tasks: 'int',
    failure_tasks: 'int',
    request_secret_id: 'text',
    request_workspace_id: 'text',
    resource_group: 'text',
    domain_id: 'text',
    workspace_id: 'text',
    collector_id: 'text',
    plugin_id: 'text',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    finished_at: 'timestamptz',
    trigger: 'text',
    scheduled_at: 'timestamptz',
  },
  keywordFields: ['job_id'],
  defaultSort: [{ key: 'created_at', desc: true }],
  minimalFields: ['job_id', 'status', 'collector_id', 'plugin_id', 'created_at', 'finished_at'],
});
