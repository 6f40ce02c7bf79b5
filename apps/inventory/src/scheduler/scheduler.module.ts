import { Module } from '@nestjs/common';
import { CollectModule } from '../collect/collect.module';
import { CollectorModule } from '../collector/collector.module';
import { SchedulerService } from './scheduler.service';

/** Firing collectors' schedules (where the `scheduler` role is (INVENTORY_ROLES)). */
@Module({
  imports: [CollectorModule, CollectModule],
  providers: [SchedulerService],
  exports: [SchedulerService],
})
export class SchedulerModule {}
