import { defineResourceSchema } from '@cloud-inventory/query';

/**
 * JobTask as the query language sees it: the API keys of JobTaskInfo over the job_task table
 * (task_options, the plugin's split, is internal). Ordering `-created_at`, keyword on `job_task_id`.
 */
export const JOB_TASK_QUERY_SCHEMA = defineResourceSchema({
  resource: 'JobTask',
  table: 'job_task',
  idKey: 'job_task_id',
  scope: { domainColumn: 'domain_id', workspaceColumn: 'workspace_id', projectColumn: 'project_id' },
  fields: {
    job_task_id: 'text',
    status: 'text',
    provider: 'text',
    created_count: 'int',
    updated_count: 'int',
    failure_count: 'int',
    deleted_count: 'int',
    disconnected_count: 'int',
    errors: 'jsonb-array',
    domain_id: 'text',
    workspace_id: 'text',
    project_id: 'text',
    service_account_id: 'text',
    job_id: 'text',
    secret_id: 'text',
    created_at: 'timestamptz',
    started_at: 'timestamptz',
    finished_at: 'timestamptz',
    collector_id: 'text',
  },
  keywordFields: ['job_task_id'],
  defaultSort: [{ key: 'created_at', desc: true }],
  minimalFields: [
    'job_task_id',
    'status',
    'created_count',
    'updated_count',
    'disconnected_count',
    'deleted_count',
    'failure_count',
    'job_id',
    'created_at',
    'started_at',
    'finished_at',
  ],
});
