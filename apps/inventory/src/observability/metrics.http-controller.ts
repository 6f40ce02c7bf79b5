import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { scrapeMetrics } from '@cloud-inventory/observability';
import { PublicRoute } from '../common/public-route';

/** GET /metrics: Prometheus text of the process (every role serves it, like /health; no token, like a probe). */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class MetricsHttpController {
  @Get('metrics')
  async metrics(@Res() response: Response): Promise<void> {
    const { contentType, body } = await scrapeMetrics();
    response.status(200).type(contentType).send(body);
  }
}
