import { Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { DataSource, EntityManager } from 'typeorm';
import { activeTraceParent, contextOfTraceParent, tracingEnabled } from '@cloud-inventory/observability';

/** job_trace: ties a job's tasks to the trace of the collect that started it. No SQL without tracing. */
@Injectable()
export class JobTraceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the job's transaction: remembers the active trace as the job's. */
  async save(manager: EntityManager, jobId: string): Promise<void> {
    const traceParent = activeTraceParent();
    if (!traceParent) return;
    await manager.query(`INSERT INTO job_trace (job_id, trace_parent) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING`, [jobId, traceParent]);
  }

  /** The context of the collect that started a task's job: the parent of the task's span. */
  async parentOfTask(jobTaskId: string): Promise<Context | undefined> {
    if (!tracingEnabled()) return undefined;
    // a trace is not worth a task: if this read fails, the task runs in a trace of its own
    const rows: { trace_parent: string }[] = await this.dataSource
      .query(`SELECT t.trace_parent FROM job_task jt JOIN job_trace t ON t.job_id = jt.job_id WHERE jt.job_task_id = $1`, [jobTaskId])
      .catch(() => []);
    return contextOfTraceParent(rows[0]?.trace_parent);
  }
}
