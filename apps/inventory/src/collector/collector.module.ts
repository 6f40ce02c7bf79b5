import { Module } from '@nestjs/common';
import { CollectModule } from '../collect/collect.module';
import { JobModule } from '../job/job.module';
import { PluginModule } from '../plugin/plugin.module';
import { SecretModule } from '../secret/secret.module';
import { CollectorGrpcController } from './collector.grpc-controller';
import { CollectorHttpController } from './collector.http-controller';
import { CollectorService } from './collector.service';

@Module({
  imports: [CollectModule, JobModule, PluginModule, SecretModule],
  controllers: [CollectorGrpcController, CollectorHttpController],
  providers: [CollectorService],
})
export class CollectorModule {}
