/** The table and CSV columns of each resource when --only names none (JSON and YAML show everything). */
export const COLUMNS = {
  collector: [
    'collector_id',
    'name',
    'provider',
    'plugin_info.plugin_id',
    'plugin_info.version',
    'schedule.state',
    'schedule.hours',
    'last_collected_at',
    'created_at',
  ],
  secret: ['secret_id', 'name', 'provider', 'state', 'schema_id', 'created_at'],
  job: [
    'job_id',
    'status',
    'collector_id',
    'plugin_id',
    'total_tasks',
    'success_tasks',
    'failure_tasks',
    'remained_tasks',
    'created_at',
    'finished_at',
  ],
  jobTask: [
    'job_task_id',
    'status',
    'secret_id',
    'created_count',
    'updated_count',
    'disconnected_count',
    'failure_count',
    'started_at',
    'finished_at',
  ],
  cloudService: [
    'cloud_service_id',
    'name',
    'provider',
    'cloud_service_group',
    'cloud_service_type',
    'region_code',
    'account',
    'state',
    'created_at',
  ],
  collectTypes: [
    'provider',
    'cloud_service_group',
    'cloud_service_type',
    'written',
    'created',
    'active',
    'failures',
    'duration_seconds',
  ],
} as const;

export function columnsFor(defaults: readonly string[], only: string[] | undefined): string[] {
  return only?.length ? only : [...defaults];
}
