import { Module } from '@nestjs/common';
import { JobTaskModule } from '../job-task/job-task.module';
import { MetricsHttpController } from './metrics.http-controller';
import { ScrapeGauges } from './scrape-gauges';

/**
 * GET /metrics and the gauges read at scrape time. The counters and histograms of the hot path
 * are defined where they are counted (ingest, collect, plugin: `*.metrics.ts`), all on the
 * process's one registry (libs/observability).
 */
@Module({
  imports: [JobTaskModule],
  controllers: [MetricsHttpController],
  providers: [ScrapeGauges],
})
export class ObservabilityModule {}
