/**
 * Request (and response) examples for the OpenAPI document, from the seeds' Job pages
 * (/work/shared/seeds/002_*, 003_*) and the reference's query examples (cloudforet-behaviour.md §3).
 * Keyed by "<Service>.<rpc>".
 */

export interface OpenApiExample {
  summary: string;
  value: unknown;
}

export interface RpcExamples {
  request?: Record<string, OpenApiExample>;
  response?: Record<string, OpenApiExample>;
}

const JOB_LIST_SEARCH = {
  collector_id: 'collector-2c0847644f39',
  query: {
    filter: [
      { k: 'status', v: ['IN_PROGRESS', 'FAILURE'], o: 'in' },
      { k: 'created_at', v: 'now/d - 7d', o: 'timediff_gte' },
    ],
    keyword: 'job-3b1',
    sort: [{ key: 'created_at', desc: true }],
    page: { start: 1, limit: 10 },
    only: ['job_id', 'status', 'total_tasks', 'remained_tasks', 'failure_tasks'],
  },
};

const JOB_STAT_DAILY = {
  query: {
    aggregate: [
      {
        group: {
          keys: [
            { key: 'created_at', name: 'date', date_format: '%Y-%m-%d' },
            { key: 'status', name: 'status' },
          ],
          fields: [
            { operator: 'count', name: 'count' },
            { key: 'total_tasks', operator: 'sum', name: 'tasks' },
          ],
        },
      },
      {
        project: {
          fields: [
            { key: 'date', name: 'date' },
            { key: 'status', name: 'status' },
            { key: 'count', name: 'jobs' },
            { key: 'tasks', name: 'tasks' },
          ],
          exclude_keys: true,
        },
      },
      { sort: [{ key: 'date', desc: false }] },
    ],
  },
};

const JOB_INFO_EXAMPLE = {
  job_id: 'job-3b124006c2d2',
  status: 'SUCCESS',
  total_tasks: 2,
  remained_tasks: 0,
  success_tasks: 2,
  failure_tasks: 0,
  request_secret_id: '',
  request_workspace_id: '',
  resource_group: 'DOMAIN',
  domain_id: 'domain-58010aa2e451',
  workspace_id: '*',
  collector_id: 'collector-accd02663b3d',
  plugin_id: 'plugin-openstack-inven-collector',
  created_at: '2022-06-17T08:00:01.225Z',
  updated_at: '2022-06-17T08:00:01.225Z',
  finished_at: '2022-06-17T08:00:15.197Z',
  trigger: 'SCHEDULE',
  scheduled_at: '2022-06-17T08:00:00.000Z',
};

const COLLECTOR_PLUGIN_INFO = { plugin_id: 'plugin-aws-cloud-service-inven-collector', version: '1.13.0', options: {} };

export const OPENAPI_EXAMPLES: Record<string, RpcExamples> = {
  'Job.delete': { request: { job: { summary: 'Delete a job', value: { job_id: 'job-123456789012' } } } },
  'Job.get': {
    request: { job: { summary: 'Get a job', value: { job_id: 'job-123456789012' } } },
    response: { job: { summary: 'A finished job', value: JOB_INFO_EXAMPLE } },
  },
  'Job.list': {
    request: {
      all: { summary: 'Every job (the seeds\' request example)', value: { query: {} } },
      search: { summary: 'Running or failed jobs of a collector in the last 7 days, a few fields (reference §3.1)', value: JOB_LIST_SEARCH },
      scheduled: {
        summary: "Jobs a collector's schedule started (trigger SCHEDULE or API), with their slots",
        value: {
          collector_id: 'collector-2c0847644f39',
          query: { filter: [{ k: 'trigger', v: 'SCHEDULE', o: 'eq' }], only: ['job_id', 'status', 'scheduled_at'], sort: [{ key: 'scheduled_at', desc: true }] },
        },
      },
    },
    response: {
      all: { summary: 'Jobs and their count before paging', value: { results: [JOB_INFO_EXAMPLE], total_count: 1 } },
      search: {
        summary: 'Rows narrowed by only (and the sort key)',
        value: {
          results: [{ job_id: 'job-3b124006c2d2', status: 'FAILURE', total_tasks: 3, remained_tasks: 0, failure_tasks: 1, created_at: '2022-06-17T08:00:01.225Z' }],
          total_count: 1,
        },
      },
    },
  },
  'Job.stat': {
    request: {
      daily: { summary: 'Daily job counts per status, keys renamed by a project stage (reference §3.2)', value: JOB_STAT_DAILY },
      distinct: { summary: 'The collectors that have jobs', value: { query: { distinct: 'collector_id' } } },
    },
    response: {
      daily: { summary: 'Job.stat always pages, so total_count is always there', value: { results: [{ date: '2022-06-17', status: 'SUCCESS', jobs: 2, tasks: 5 }], total_count: 1 } },
    },
  },
  'Job.analyze': {
    request: {
      byCollector: {
        summary: 'Jobs and tasks per collector, pivoted by status (reference §3.3)',
        value: {
          query: {
            group_by: ['collector_id', 'status'],
            field_group: ['status'],
            fields: { jobs: { operator: 'count' }, tasks: { key: 'total_tasks', operator: 'sum' } },
            filter: [{ k: 'created_at', v: 'now/d - 30d', o: 'timediff_gte' }],
            sort: [{ key: 'jobs', desc: true }],
            page: { limit: 5 },
          },
        },
      },
    },
    response: {
      byCollector: {
        summary: 'One row per collector; more tells whether rows were left out by the page',
        value: {
          results: [
            {
              collector_id: 'collector-2c0847644f39',
              jobs: [
                { value: 28, status: 'SUCCESS' },
                { value: 2, status: 'FAILURE' },
              ],
              _total_jobs: 30,
              tasks: [
                { value: 84, status: 'SUCCESS' },
                { value: 6, status: 'FAILURE' },
              ],
              _total_tasks: 90,
            },
          ],
          more: false,
        },
      },
    },
  },
  'JobTask.list': { request: { ofJob: { summary: 'The tasks of a job', value: { job_id: 'job-587a3d3b4db3', query: { sort: [{ key: 'created_at' }] } } } } },
  'JobTask.stat': {
    request: {
      perStatus: {
        summary: 'Per-status summary of one job, with a conditional count (reference §3.2)',
        value: {
          query: {
            filter: [{ k: 'job_id', v: 'job-587a3d3b4db3', o: 'eq' }],
            aggregate: [
              {
                group: {
                  keys: [{ key: 'status', name: 'status' }],
                  fields: [
                    { operator: 'count', name: 'tasks' },
                    { key: 'created_count', operator: 'sum', name: 'created' },
                    { key: 'updated_count', operator: 'sum', name: 'updated' },
                    { key: 'failure_count', operator: 'sum', name: 'failures' },
                    { operator: 'count', name: 'slow', conditions: [{ key: 'updated_count', value: 1000, operator: 'gte' }] },
                  ],
                },
              },
              { sort: [{ key: 'tasks', desc: true }] },
            ],
            page: { start: 1, limit: 10 },
          },
        },
      },
    },
    response: {
      perStatus: {
        summary: 'Groups, and total_count because the query has a page',
        value: {
          results: [
            { status: 'SUCCESS', tasks: 3, created: 12, updated: 1976, failures: 0, slow: 1 },
            { status: 'FAILURE', tasks: 1, created: 0, updated: 199, failures: 1, slow: 0 },
          ],
          total_count: 2,
        },
      },
    },
  },
  'Collector.create': {
    request: {
      hours: {
        summary: "Collect at 00:00 and 12:00 UTC every day (Cloudforet's schedule: at most 2 UTC hours)",
        value: { name: 'aws nightly', plugin_info: COLLECTOR_PLUGIN_INFO, provider: 'aws', schedule: { state: 'ENABLED', hours: [0, 12] } },
      },
      cron: {
        summary: 'Collect at 02:30 on weekdays, Berlin time (ours: a five-field cron and an IANA time zone)',
        value: {
          name: 'aws weekdays',
          plugin_info: COLLECTOR_PLUGIN_INFO,
          provider: 'aws',
          schedule: { state: 'ENABLED', cron: '30 2 * * 1-5', timezone: 'Europe/Berlin' },
        },
      },
    },
  },
  'Collector.update': {
    request: {
      every15: { summary: 'Collect every 15 minutes (UTC); a new schedule replaces hours, cron and timezone', value: { collector_id: 'collector-2c0847644f39', schedule: { cron: '*/15 * * * *' } } },
      disable: { summary: 'Stop the schedule (a schedule in an update replaces the whole schedule)', value: { collector_id: 'collector-2c0847644f39', schedule: { state: 'DISABLED' } } },
    },
  },
  'Collector.list': {
    request: {
      enabled: { summary: 'Scheduled collectors of a plugin', value: { plugin_id: 'plugin-aws', schedule_state: 'ENABLED', query: { only: ['collector_id', 'name', 'schedule'] } } },
      skipping: {
        summary: 'Collectors whose schedule skipped slots because their job was still running, next slot first',
        value: {
          query: {
            filter: [{ k: 'schedule_status.skipped_count', v: 0, o: 'gt' }],
            only: ['collector_id', 'name', 'schedule', 'schedule_status'],
            sort: [{ key: 'schedule_status.next_run_at' }],
          },
        },
      },
    },
  },
  'Collector.stat': {
    request: {
      perProvider: {
        summary: 'Collectors per provider',
        value: { query: { aggregate: [{ group: { keys: [{ key: 'provider', name: 'provider' }], fields: [{ operator: 'count', name: 'count' }] } }] } },
      },
    },
  },
  'CloudService.list': {
    request: {
      running: {
        summary: 'Running Linux instances of a collector, newest first',
        value: {
          provider: 'aws',
          query: {
            filter: [
              { k: 'collection_info.collector_id', v: 'collector-2c0847644f39', o: 'eq' },
              { k: 'data.os.os_type', v: 'LINUX', o: 'eq' },
            ],
            sort: [{ key: 'created_at', desc: true }],
            page: { start: 1, limit: 20 },
            minimal: true,
          },
        },
      },
      throughType: {
        summary: "Through the resource's type and region, as Cloudforet's managed metrics filter (ref_cloud_service_type.*, ref_region.*)",
        value: {
          query: {
            filter: [
              { k: 'ref_cloud_service_type.is_primary', v: true, o: 'eq' },
              { k: 'ref_cloud_service_type.labels', v: ['CSPM', 'Management'], o: 'not_in' },
              { k: 'tags.aws.env', v: 'prod', o: 'eq' },
            ],
            page: { limit: 20 },
          },
        },
      },
    },
  },
  'CloudServiceType.list': {
    request: {
      console: {
        summary: "The console's type list of a provider and group, primary types first",
        value: {
          provider: 'aws',
          group: 'EC2',
          query: {
            only: ['cloud_service_type_id', 'name', 'group', 'provider', 'tags', 'is_primary', 'resource_type', 'cloud_service_type_key'],
            sort: [{ key: 'is_primary', desc: true }, { key: 'name' }],
          },
        },
      },
    },
  },
  'Region.list': {
    request: {
      console: {
        summary: "The console's region map: every region but 'global'",
        value: { query: { only: ['name', 'region_code', 'tags', 'provider'], filter: [{ k: 'region_code', v: 'global', o: 'not' }] } },
      },
    },
  },
  'Metric.create': {
    request: {
      byRegion: {
        summary: 'A user-defined metric: EC2 instances per region and account, computed daily and after every collect that changes resources',
        value: {
          metric_id: 'metric-ec2-by-region',
          name: 'EC2 instances by region',
          metric_type: 'GAUGE',
          namespace_id: 'ns-aws-ec2-instance',
          resource_type: 'inventory.CloudService:aws.EC2.Instance',
          resource_group: 'DOMAIN',
          unit: 'Count',
          query_options: { group_by: [{ key: 'region_code', name: 'Region' }, { key: 'account', name: 'Account' }], fields: { value: { operator: 'count' } } },
        },
      },
    },
  },
  'MetricData.analyze': {
    request: {
      perRegionDaily: {
        summary: 'Instances per region per day over the last 30 days (DAILY: at most one month, start no older than 12 months)',
        value: {
          metric_id: 'metric-ec2-by-region',
          query: {
            granularity: 'DAILY',
            // the last 30 days, as of when the document was built (DAILY ranges must be recent)
            start: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10),
            end: new Date().toISOString().slice(0, 10),
            group_by: ['labels.Region'],
            fields: { count: { key: 'value', operator: 'sum' } },
            sort: [{ key: 'date' }],
          },
        },
      },
    },
  },
  'ChangeHistory.list': {
    request: {
      changesOfKey: {
        summary: 'The changes of one cloud service that touched its instance type, newest first',
        value: { cloud_service_id: 'cloud-svc-3b124006c2d2', query: { keyword: 'instance_type', page: { limit: 20 } } },
      },
    },
  },
  'ChangeHistory.stat': {
    request: {
      perAction: {
        summary: 'Records of one cloud service per action and author',
        value: {
          cloud_service_id: 'cloud-svc-3b124006c2d2',
          query: { aggregate: [{ group: { keys: [{ key: 'action', name: 'action' }, { key: 'updated_by', name: 'by' }], fields: [{ operator: 'count', name: 'count' }] } }] },
        },
      },
    },
  },
  'CloudService.create': {
    request: {
      manual: {
        summary: 'A resource added by hand: a later collect of the same resource (same reference.resource_id, type, group, provider, account) takes it over',
        value: {
          provider: 'aws',
          cloud_service_group: 'EC2',
          cloud_service_type: 'Instance',
          name: 'build-agent-1',
          account: '123456789012',
          region_code: 'us-east-1',
          reference: { resource_id: 'i-0123456789abcdef0' },
          data: { owner_team: 'platform' },
          tags: { env: 'ci' },
        },
      },
    },
  },
  'CloudService.stat': {
    request: {
      byTypeAndRegion: {
        summary: 'Resources per type and region (DELETED ones are left out unless the filter asks about state)',
        value: {
          query: {
            aggregate: [
              {
                group: {
                  keys: [
                    { key: 'cloud_service_type', name: 'type' },
                    { key: 'region_code', name: 'region' },
                  ],
                  fields: [{ operator: 'count', name: 'count' }],
                },
              },
              { sort: [{ key: 'count', desc: true }] },
            ],
            page: { limit: 50 },
          },
        },
      },
    },
  },
  'CloudService.analyze': {
    request: {
      totalCount: {
        summary: "The metric 'total count' of Cloudforet's managed metrics",
        value: {
          query: {
            group_by: ['provider', 'cloud_service_group', 'cloud_service_type', 'region_code', 'account'],
            fields: { value: { operator: 'count' } },
          },
        },
      },
    },
  },
};
