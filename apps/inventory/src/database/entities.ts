import { CloudServiceTypeEntity } from '../cloud-service/cloud-service-type.entity';
import { CloudServiceEntity } from '../cloud-service/cloud-service.entity';
import { RegionEntity } from '../cloud-service/region.entity';
import { CollectSeenEntity } from '../collect/collect-seen.entity';
import { TaskQueueEntity } from '../collect/task-queue.entity';
import { CollectorEntity } from '../collector/collector.entity';
import { JobTaskEntity } from '../job-task/job-task.entity';
import { JobEntity } from '../job/job.entity';
import { RegisteredPluginEntity } from '../plugin/registered-plugin.entity';
import { SecretEntity } from '../secret/secret.entity';

export const ENTITIES = [
  CollectorEntity,
  SecretEntity,
  JobEntity,
  JobTaskEntity,
  TaskQueueEntity,
  CollectSeenEntity,
  CloudServiceEntity,
  CloudServiceTypeEntity,
  RegionEntity,
  RegisteredPluginEntity,
];
