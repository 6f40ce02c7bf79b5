import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { Struct, inventoryV1 } from '@cloud-inventory/proto';
import { optionalText, requiredText } from '../cloud-service/writer-scope';
import { asStruct, toProtoShape, toQueryJson } from '../common/proto-shape';
import { queryScope, rowScope } from '../common/query-scope';
import { MetricEntity } from '../cloud-service/metric.entity';
import { RequestScope } from '../common/request-scope';
import { ResourceQueries } from '../common/resource-queries';
import { METRIC_DATA_SCHEMA } from './metric-data.query-schema';

const INFO = 'spaceone.api.inventory.v1.MetricDataInfo';
const TIME_SERIES_QUERY = 'spaceone.api.core.v2.TimeSeriesAnalyzeQuery';

type Json = Record<string, unknown>;

/** A day, month or year of an analyze range, and its period's next start (the exclusive end). */
interface Period {
  first: Date;
  next: Date;
}

const FORMATS: Record<number, { pattern: RegExp; step: (date: Date) => Date }> = {
  4: { pattern: /^\d{4}$/, step: (d) => new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1)) },
  7: { pattern: /^\d{4}-\d{2}$/, step: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) },
  10: { pattern: /^\d{4}-\d{2}-\d{2}$/, step: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)) },
};

function period(value: string, key: string): Period {
  const format = FORMATS[value.length];
  const first = format && format.pattern.test(value) ? new Date(`${value}${value.length === 4 ? '-01-01' : value.length === 7 ? '-01' : ''}T00:00:00.000Z`) : undefined;
  if (!format || !first || Number.isNaN(first.getTime()) || first.toISOString().slice(0, value.length) !== value) {
    throw new AppError(ErrorCode.INVALID_PARAMETER, `Parameter is invalid. (key = query.${key}, value = ${value}, format = YYYY, YYYY-MM or YYYY-MM-DD)`);
  }
  return { first, next: format.step(first) };
}

function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate()));
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Cloudforet's MetricData service over the daily values (metric_data). `analyze` is the time
 * series: DAILY granularity groups by the day (`date`, YYYY-MM-DD) over [start, end], end taken to
 * the end of its period; start and end have the same format, start ≤ end, at most one month apart,
 * start no older than 12 months before this month (ERROR_INVALID_DATE_RANGE), as Cloudforet's.
 * MONTHLY and YEARLY (Cloudforet's monthly rollup table) are not served yet: INVALID_ARGUMENT.
 */
@Injectable()
export class MetricDataService {
  private readonly queries: ResourceQueries;

  constructor(private readonly dataSource: DataSource) {
    this.queries = new ResourceQueries(dataSource, METRIC_DATA_SCHEMA);
  }

  /** The metric must be one the caller may read (its workspace's or the domain's), else NOT_FOUND, before its query is looked at. */
  private async visibleMetric(scope: RequestScope, metricId: string): Promise<void> {
    const found = await this.dataSource.getRepository(MetricEntity).existsBy({ ...rowScope(scope, { withDomainLevel: true }), metric_id: metricId });
    if (!found) throw AppError.notFound('Metric', 'metric_id', metricId);
  }

  async list(request: inventoryV1.MetricDataQuery, scope: RequestScope): Promise<inventoryV1.MetricDatasInfo> {
    const metricId = requiredText(request.metric_id, 'metric_id');
    await this.visibleMetric(scope, metricId);
    const { results, total_count } = await this.queries.search(request.query, queryScope(scope, request.workspace_id), {
      metric_id: metricId,
      project_id: optionalText(request.project_id),
    });
    return { results: results.map((row) => toProtoShape(INFO, row, false) as unknown as inventoryV1.MetricDataInfo), total_count };
  }

  async stat(request: inventoryV1.MetricDataStatQuery, scope: RequestScope): Promise<Struct> {
    const metricId = optionalText(request.metric_id);
    if (metricId) await this.visibleMetric(scope, metricId);
    return asStruct(await this.queries.stat(request.query, queryScope(scope, undefined), { metric_id: optionalText(request.metric_id) }));
  }

  async analyze(request: inventoryV1.MetricDataAnalyzeQuery, scope: RequestScope, now = new Date()): Promise<Struct> {
    const metricId = requiredText(request.metric_id, 'metric_id');
    await this.visibleMetric(scope, metricId);
    const query = toQueryJson(TIME_SERIES_QUERY, request.query) ?? {};
    const granularity = query['granularity'];
    if (granularity === undefined || granularity === '' || granularity === 'GRANULARITY_NONE') throw AppError.required('query.granularity');
    const start = requiredText(query['start'] as string | undefined, 'query.start');
    const end = requiredText(query['end'] as string | undefined, 'query.end');
    const fields = query['fields'];
    if (!fields || typeof fields !== 'object' || Object.keys(fields).length === 0) throw AppError.required('query.fields');
    if (granularity !== 'DAILY') {
      throw AppError.invalid(`Parameter is invalid. (key = query.granularity, value = ${String(granularity)}, supported = DAILY)`);
    }
    if (start.length !== end.length) throw new AppError(ErrorCode.INVALID_DATE_RANGE, `Invalid date range: start and end must have the same format. (start = ${start}, end = ${end})`);
    const from = period(start, 'start');
    const to = period(end, 'end');
    if (from.first.getTime() > to.first.getTime()) {
      throw new AppError(ErrorCode.INVALID_DATE_RANGE, `Invalid date range: start must not be after end. (start = ${start}, end = ${end})`);
    }
    if (to.next.getTime() > addMonths(from.first, 1).getTime()) {
      throw new AppError(ErrorCode.INVALID_DATE_RANGE, `Invalid date range: DAILY covers at most one month. (start = ${start}, end = ${end})`);
    }
    const oldest = addMonths(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), -12);
    if (from.first.getTime() < oldest.getTime()) {
      throw new AppError(ErrorCode.INVALID_DATE_RANGE, `Invalid date range: DAILY start must be on or after ${day(oldest)}. (start = ${start})`);
    }
    const groupBy = Array.isArray(query['group_by']) ? (query['group_by'] as unknown[]) : [];
    const analyze: Json = {
      ...query,
      group_by: [{ key: 'created_date', name: 'date' }, ...groupBy],
      filter: [
        ...(Array.isArray(query['filter']) ? (query['filter'] as unknown[]) : []),
        { k: 'created_date', v: day(from.first), o: 'gte' },
        { k: 'created_date', v: day(to.next), o: 'lt' },
      ],
    };
    for (const key of ['granularity', 'start', 'end']) delete analyze[key];
    const result = await this.queries.analyze(analyze, queryScope(scope, undefined), { metric_id: metricId });
    return asStruct(result);
  }
}
