import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { inventoryV1 } from '@cloud-inventory/proto';
import { CollectService } from '../collect/collect.service';
import { CollectorEntity } from '../collector/collector.entity';
import { toJobInfo } from '../job/job.mapper';

/**
 * Collector.collect from the API (gRPC and HTTP alike): a job started by an API call, refused
 * while the collector's job for the same request still runs (until superseding lands).
 */
export async function collectFromApi(
  collects: CollectService,
  collector: CollectorEntity,
  secretId: string,
  userProjects?: readonly string[],
): Promise<inventoryV1.JobInfo> {
  const result = await collects.collect(collector, { secretId: secretId || undefined, userProjects, trigger: 'API', whenRunning: 'refuse' });
  if ('skipped' in result) {
    throw new AppError(ErrorCode.COLLECTOR_COLLECTING, `Collector ${collector.collector_id} is already collecting (job ${result.runningJobId}).`);
  }
  return toJobInfo(result.job);
}
