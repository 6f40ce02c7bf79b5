import { Module } from '@nestjs/common';
import { MetricDataGrpcController } from './metric-data.grpc-controller';
import { MetricDataHttpController } from './metric-data.http-controller';
import { MetricDataService } from './metric-data.service';
import { MetricRunner } from './metric-runner';
import { MetricScheduler } from './metric-scheduler';
import { MetricGrpcController } from './metric.grpc-controller';
import { MetricHttpController } from './metric.http-controller';
import { MetricService } from './metric.service';
import { NamespaceGrpcController } from './namespace.grpc-controller';
import { NamespaceHttpController } from './namespace.http-controller';
import { NamespaceService } from './namespace.service';

/** Namespaces, metrics and their data: the APIs, the runs of metrics (after jobs, daily). */
@Module({
  controllers: [
    NamespaceGrpcController,
    NamespaceHttpController,
    MetricGrpcController,
    MetricHttpController,
    MetricDataGrpcController,
    MetricDataHttpController,
  ],
  providers: [NamespaceService, MetricService, MetricDataService, MetricRunner, MetricScheduler],
  exports: [MetricRunner],
})
export class MetricModule {}
