import { Controller, Get, HttpException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HealthState } from '@cloud-inventory/grpc';
import { PublicRoute } from '../common/public-route';

/** GET /health for load balancers and compose: serving, and the database answers. */
@Controller()
@PublicRoute()
export class HealthHttpController {
  constructor(
    private readonly state: HealthState,
    private readonly dataSource: DataSource,
  ) {}

  @Get('health')
  async health() {
    const serving = this.state.statusOf('') === 'SERVING';
    const database = await this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    const body = { status: serving && database ? 'SERVING' : 'NOT_SERVING', database: database ? 'up' : 'down' };
    if (body.status !== 'SERVING') throw new HttpException(body, 503);
    return body;
  }
}
