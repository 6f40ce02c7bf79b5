import { Command } from 'commander';
import { CliContext } from '../cli-context';
import { CollectSummary, summarizeJob } from '../collect/collect-summary';
import { JobInfo, watchJob } from '../collect/job-watch';
import { LiveProgressDisplay, PlainProgressDisplay, ProgressDisplay } from '../collect/progress-display';
import { ProgressTracker, formatSeconds } from '../collect/task-progress';
import { CliError, ExitCode, exitCodeOfJobStatus } from '../exit-codes';
import { COLUMNS } from '../output/columns';
import { OutputFormat, renderObject, renderRows } from '../output/render';
import { CommandKit } from './command-kit';

interface CollectFlags {
  secret?: string;
  follow?: boolean;
  interval: string;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The end of a followed collect for people: the job's outcome, a table per cloud service type, the task errors. */
function summaryTable(summary: CollectSummary): string {
  const { job, totals } = summary;
  const lines = [
    `Job ${job.job_id} ${job.status} in ${summary.duration_seconds === null ? '?' : formatSeconds(summary.duration_seconds)}: ` +
      `${job['success_tasks']} of ${job['total_tasks']} tasks succeeded; ${totals.written} written ` +
      `(${totals.created} created, ${totals.updated} updated), ${totals.disconnected} disconnected, ${plural(totals.failures, 'failure')}.`,
  ];
  const rows = summary.types.map((type) => ({
    ...type,
    cloud_service_group: type.cloud_service_group || '-',
    cloud_service_type: type.cloud_service_type || '-',
    duration: type.duration_seconds === null ? '' : formatSeconds(type.duration_seconds),
  }));
  const columns = COLUMNS.collectTypes.map((column) => (column === 'duration_seconds' ? 'duration' : column));
  lines.push(rows.length ? renderRows(rows, columns, 'table').trimEnd() : 'No cloud services were written or failed.');
  if (summary.unitemised_failures > 0) {
    lines.push(`${plural(summary.unitemised_failures, 'more failure')} without an error entry (each task keeps its first TASK_ERROR_LIMIT errors).`);
  }
  for (const error of summary.task_errors) lines.push(`task ${error.job_task_id}: ${error.error_code}: ${error.message}`);
  return `${lines.join('\n')}\n`;
}

function renderSummary(summary: CollectSummary, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return summaryTable(summary);
    case 'csv':
      // one row per cloud service type; the job and its tasks are in JSON and YAML
      return renderRows(summary.types as unknown as Record<string, unknown>[], [...COLUMNS.collectTypes], 'csv');
    default:
      return renderRows([], [], format, summary);
  }
}

function displayFor(context: CliContext): ProgressDisplay {
  const stderr = context.io.stderr as NodeJS.WriteStream;
  if (context.stdoutIsTty && stderr.isTTY) return new LiveProgressDisplay(stderr);
  return new PlainProgressDisplay((line) => context.note(line));
}

async function follow(context: CliContext, started: JobInfo, intervalMs: number): Promise<ExitCode> {
  const client = context.client();
  const display = displayFor(context);
  const tracker = new ProgressTracker();
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  context.note(`job ${started.job_id} started: ${plural(Number(started['total_tasks']) || 0, 'task')}`);
  let job: JobInfo = started;
  try {
    for await (const snapshot of watchJob(client, started.job_id, {
      intervalMs,
      outageMs: Math.max(context.connection.timeoutMs, 30_000),
      signal: interrupt.signal,
    })) {
      job = snapshot.job;
      display.show(tracker.update(snapshot));
    }
  } finally {
    display.finish();
    process.removeListener('SIGINT', onSignal);
  }
  if (interrupt.signal.aborted) {
    context.note(`Stopped following; job ${job.job_id} goes on: cloud-inventory job get ${job.job_id} --tasks`);
    return ExitCode.INTERRUPTED;
  }
  const summary = await summarizeJob(client, job);
  context.print(renderSummary(summary, context.format));
  return exitCodeOfJobStatus(job.status);
}

export function collectCommand(kit: CommandKit): Command {
  return new Command('collect')
    .description('start a collect job of a collector; --follow shows its progress and, at the end, a summary per cloud service type')
    .argument('<collector_id>')
    .option('--secret <secret_id>', 'collect with this secret only')
    .option('--follow', 'follow the job to its end; the exit code then tells how it ended (0 SUCCESS, 10 FAILURE, 11 CANCELED, 12 TIMEOUT)')
    .option('--interval <seconds>', 'how often --follow polls the job', '0.5')
    .action(
      kit.action(async (context, collectorId: string, flags: CollectFlags) => {
        const interval = Number(flags.interval);
        if (!Number.isFinite(interval) || interval < 0.1) throw CliError.usage(`--interval takes seconds, at least 0.1 (got "${flags.interval}").`);
        const format = context.format;
        const request = { collector_id: collectorId, ...(flags.secret && { secret_id: flags.secret }) };
        const job = await context.client().call<JobInfo>('Collector', 'collect', request);
        if (!flags.follow) {
          context.print(renderObject(job, format, format === 'csv' ? [...COLUMNS.job] : undefined));
          return ExitCode.OK;
        }
        return follow(context, job, Math.round(interval * 1000));
      }),
    );
}
