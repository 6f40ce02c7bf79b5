import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { pgError } from '../common/sql-rows';
import { MetricDefinition, metricRunStatement } from './metric-query';

/** The UTC day of a moment, YYYY-MM-DD (MetricData's created_date). */
export function utcDay(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}

const METRIC_COLUMNS = `metric_id, domain_id, workspace_id, resource_group, metric_type, resource_type, query_options, date_field, unit, namespace_id`;

/** A metric's run is one statement; on a million resources it takes seconds, never this long. */
const RUN_STATEMENT_TIMEOUT_MS = 600_000;

/**
 * Metrics run at once by the after-job and daily runs. A run's INSERT … SELECT cannot use
 * PostgreSQL's parallel workers (no statement that writes does), so two runs side by side keep two
 * cores busy where one would leave one idle.
 */
const RUNS_AT_ONCE = 2;

/** Runs `work` over `items`, at most `limit` at a time, in order of start. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export interface MetricRunResult {
  metric_id: string;
  rows: number;
}

/**
 * Computes metric data: a run of a metric for a day is one transaction holding the metric's lock
 * (two runs of one metric never interleave), whose one statement deletes the day's values and
 * inserts the new ones from the metric's query over cloud_service (metric-query.ts). A re-run of
 * a day replaces that day's values.
 */
@Injectable()
export class MetricRunner {
  private readonly logger = new Logger(MetricRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Runs one metric for a day (default today, UTC). A query that cannot run is ERROR_WRONG_QUERY_OPTIONS. */
  async run(metric: MetricDefinition, date = utcDay()): Promise<MetricRunResult> {
    const statement = metricRunStatement(metric, date);
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = ${RUN_STATEMENT_TIMEOUT_MS}`);
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('metric-run'), hashtext($1 || '/' || $2))`, [metric.domain_id, metric.metric_id]);
        const [{ rows }] = (await manager.query(statement.text, statement.values)) as { rows: number }[];
        // the day has its values: the daily run need not compute it again
        await manager.query(`UPDATE metric SET computed_date = greatest(computed_date, $3) WHERE domain_id = $1 AND metric_id = $2`, [
          metric.domain_id,
          metric.metric_id,
          date,
        ]);
        return { metric_id: metric.metric_id, rows };
      });
    } catch (error) {
      const code = pgError(error).code;
      // a value the query cannot compute (a sum over text, a bad cast): the metric's query is wrong
      if (typeof code === 'string' && (code.startsWith('22') || code.startsWith('42'))) {
        throw new AppError(ErrorCode.WRONG_QUERY_OPTIONS, `Query options are wrong. (reason = the query failed on the data, SQLSTATE ${code})`);
      }
      throw error;
    }
  }

  /** The metrics of a domain that read cloud services (all of them today), optionally only those given. */
  async metricsOf(domainId: string, metricIds?: readonly string[]): Promise<MetricDefinition[]> {
    return this.dataSource.query(
      `SELECT ${METRIC_COLUMNS} FROM metric
        WHERE domain_id = $1 AND resource_type LIKE 'inventory.CloudService%' AND ($2::text[] IS NULL OR metric_id = ANY($2::text[]))
        ORDER BY metric_id`,
      [domainId, metricIds ?? null],
    );
  }

  /**
   * After a job that changed resources: every cloud-service metric of the job's domain, for today.
   * A metric that fails is logged and the others still run (one bad user query does not stop a domain's metrics).
   */
  async runAfterJob(job: { job_id: string; domain_id: string }): Promise<MetricRunResult[]> {
    // the job's counters (job_task): nothing created, updated, deleted or disconnected → nothing to recompute
    const [{ changed }] = (await this.dataSource.query(
      `SELECT COALESCE(sum(created_count + updated_count + deleted_count + disconnected_count), 0)::int AS changed FROM job_task WHERE job_id = $1`,
      [job.job_id],
    )) as { changed: number }[];
    const results: MetricRunResult[] = [];
    if (changed === 0) return results;
    await eachLimited(await this.metricsOf(job.domain_id), RUNS_AT_ONCE, async (metric) => {
      try {
        results.push(await this.run(metric));
      } catch (error) {
        this.logger.warn(`metric ${metric.metric_id} of domain ${job.domain_id} after job ${job.job_id} failed: ${(error as Error).message}`);
      }
    });
    return results.sort((a, b) => a.metric_id.localeCompare(b.metric_id));
  }

  /**
   * The daily run: claims, for `date`, every metric not yet computed that day by any run (an atomic
   * UPDATE, so that of several replicas exactly one runs each metric) and runs them, one statement each.
   */
  async runDaily(date = utcDay()): Promise<MetricRunResult[]> {
    const claimed: MetricDefinition[] = await this.dataSource
      .query(
        `UPDATE metric SET computed_date = $1
          WHERE computed_date IS DISTINCT FROM $1 AND resource_type LIKE 'inventory.CloudService%'
        RETURNING ${METRIC_COLUMNS}`,
        [date],
      )
      .then((result: unknown) => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : (result as MetricDefinition[])));
    const results: MetricRunResult[] = [];
    await eachLimited(claimed, RUNS_AT_ONCE, async (metric) => {
      try {
        results.push(await this.run(metric, date));
      } catch (error) {
        this.logger.warn(`daily run of metric ${metric.metric_id} of domain ${metric.domain_id} failed: ${(error as Error).message}`);
      }
    });
    return results;
  }
}
