import { Command } from 'commander';
import { listJobTasks } from '../collect/job-watch';
import { COLUMNS } from '../output/columns';
import { renderList, renderObject } from '../output/render';
import { QueryFlags, addQueryOptions } from '../query/query-options';
import { CommandKit, listResources } from './command-kit';

export function jobCommand(kit: CommandKit): Command {
  const job = new Command('job').description('collect jobs and their tasks');

  addQueryOptions(
    job
      .command('list')
      .description('list jobs, newest first')
      .option('--collector <collector_id>', 'only the jobs of this collector')
      .option('--status <status>', 'only jobs in this status (IN_PROGRESS, SUCCESS, FAILURE, CANCELED, TIMEOUT)'),
  ).action(
    kit.action(async (context, flags: QueryFlags & { collector?: string; status?: string }) => {
      const request = { ...(flags.collector && { collector_id: flags.collector }), ...(flags.status && { status: flags.status }) };
      await listResources(context, 'Job', request, flags, COLUMNS.job);
    }),
  );

  job
    .command('get')
    .description('show one job; --tasks adds its tasks (with their errors in JSON and YAML)')
    .argument('<job_id>')
    .option('--tasks', 'also list the job\'s tasks')
    .action(
      kit.action(async (context, jobId: string, flags: { tasks?: boolean }) => {
        const format = context.format;
        const client = context.client();
        const found = await client.call<Record<string, unknown>>('Job', 'get', { job_id: jobId });
        if (!flags.tasks) {
          context.print(renderObject(found, format, format === 'csv' ? [...COLUMNS.job] : undefined));
          return;
        }
        const tasks = await listJobTasks(client, jobId);
        if (format === 'table') {
          context.print(renderObject(found, format));
          context.print(renderList({ results: tasks, total_count: tasks.length }, [...COLUMNS.jobTask], format));
        } else if (format === 'csv') {
          // the tasks, one row each: the job's own fields are one `job get` away
          context.print(renderList({ results: tasks }, [...COLUMNS.jobTask], format));
        } else {
          context.print(renderObject({ ...found, tasks }, format));
        }
      }),
    );

  job
    .command('cancel')
    .description('cancel a running job (Job.cancel): its pending tasks end CANCELED, running ones stop streaming and keep what they wrote; a job that already ended is shown as it is')
    .argument('<job_id>')
    .action(
      kit.action(async (context, jobId: string) => {
        const format = context.format;
        const canceled = await context.client().call<Record<string, unknown>>('Job', 'cancel', { job_id: jobId });
        // idempotent: cancelling a job that had ended (or was canceled before) is not an error
        if (canceled['status'] !== 'CANCELED') context.note(`job ${jobId} had already ended ${String(canceled['status'])}: nothing to cancel`);
        context.print(renderObject(canceled, format, format === 'csv' ? [...COLUMNS.job] : undefined));
      }),
    );

  return job;
}
