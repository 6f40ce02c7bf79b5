// The composition root of the schema: every entity of every feature folder, in one list for the
// DataSource, the migration tools and the tests. The only place outside a feature that imports its entities.
import { CloudServiceTypeEntity } from '../cloud-service/cloud-service-type.entity';
import { ChangeRecordEntity } from '../cloud-service/change-record.entity';
import { CloudServiceEntity } from '../cloud-service/cloud-service.entity';
import { MetricEntity } from '../cloud-service/metric.entity';
import { NamespaceEntity } from '../cloud-service/namespace.entity';
import { RegionEntity } from '../cloud-service/region.entity';
import { JobTraceEntity } from '../collect/job-trace.entity';
import { MetricDataEntity } from '../metric/metric-data.entity';
import { CollectorEntity } from '../collector/collector.entity';
import { CollectSeenEntity } from '../ingest/collect-seen.entity';
import { JobTaskEndingEntity } from '../job-task/job-task-ending.entity';
import { JobTaskEntity } from '../job-task/job-task.entity';
import { TaskClaimTurnEntity, TaskQueueEntity } from '../job-task/task-queue.entity';
import { JobEntity } from '../job/job.entity';
import { RegisteredPluginEntity } from '../plugin/registered-plugin.entity';
import { RetentionRunEntity } from '../retention/retention-run.entity';
import { SecretEntity } from '../secret/secret.entity';

export const ENTITIES = [
  CollectorEntity,
  SecretEntity,
  JobEntity,
  JobTaskEntity,
  TaskQueueEntity,
  TaskClaimTurnEntity,
  JobTaskEndingEntity,
  CollectSeenEntity,
  CloudServiceEntity,
  CloudServiceTypeEntity,
  RegionEntity,
  ChangeRecordEntity,
  NamespaceEntity,
  MetricEntity,
  MetricDataEntity,
  RegisteredPluginEntity,
  JobTraceEntity,
  RetentionRunEntity,
];
