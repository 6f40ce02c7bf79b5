import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { JobProgress, TaskProgress, formatRate, formatSeconds } from './task-progress';

/** Shows a followed job while it runs; `finish` leaves the terminal clean for the summary. */
export interface ProgressDisplay {
  show(progress: JobProgress): void;
  finish(): void;
}

/** At most this many task lines are drawn; the others are summed up on the job line. */
const MAX_TASK_LINES = 12;

function shortId(id: string): string {
  return id.length > 24 ? `${id.slice(0, 23)}…` : id;
}

function taskPayload(task: TaskProgress): Record<string, string> {
  return {
    label: `${shortId(task.job_task_id)} ${shortId(task.secret_id)}`.padEnd(40),
    status: task.status.padEnd(11),
    written: String(task.written).padStart(8),
    rate: formatRate(task.rate).padStart(9),
    failures: String(task.failures).padStart(5),
    elapsed: formatSeconds(task.elapsedSeconds).padStart(7),
  };
}

/**
 * Live bars on a terminal (cli-progress, drawn on stderr so that stdout keeps only the result):
 * the job's tasks done as a bar, then one line per task with resources written, rate, failures
 * and elapsed time. Running tasks are shown first when there are more than fit.
 */
export class LiveProgressDisplay implements ProgressDisplay {
  private readonly bars: MultiBar;
  private jobBar?: SingleBar;
  private readonly taskBars = new Map<string, SingleBar>();

  constructor(stream: NodeJS.WriteStream) {
    this.bars = new MultiBar(
      {
        stream,
        clearOnComplete: false,
        hideCursor: true,
        fps: 10,
        autopadding: true,
        format: ' {label} {status} {written} written {rate} {failures} failures {elapsed}',
      },
      Presets.shades_classic,
    );
  }

  show(progress: JobProgress): void {
    const jobPayload = {
      job: progress.job_id,
      status: progress.status,
      written: progress.written,
      failures: progress.failures,
      elapsed: formatSeconds(progress.elapsedSeconds),
    };
    if (!this.jobBar) {
      this.jobBar = this.bars.create(Math.max(progress.totalTasks, 1), progress.endedTasks, jobPayload, {
        format: '{job} {status} [{bar}] {value}/{total} tasks | {written} written | {failures} failures | {elapsed}',
      });
    } else {
      this.jobBar.setTotal(Math.max(progress.totalTasks, 1));
      this.jobBar.update(progress.endedTasks, jobPayload);
    }
    const running = progress.tasks.filter((task) => task.status === 'IN_PROGRESS');
    const others = progress.tasks.filter((task) => task.status !== 'IN_PROGRESS');
    const shown = [...running, ...others].slice(0, MAX_TASK_LINES);
    const shownIds = new Set(shown.map((task) => task.job_task_id));
    for (const [id, bar] of this.taskBars) {
      if (!shownIds.has(id)) {
        this.bars.remove(bar);
        this.taskBars.delete(id);
      }
    }
    for (const task of shown) {
      const bar = this.taskBars.get(task.job_task_id);
      if (bar) bar.update(0, taskPayload(task));
      else this.taskBars.set(task.job_task_id, this.bars.create(1, 0, taskPayload(task)));
    }
  }

  finish(): void {
    this.bars.stop();
  }
}

/**
 * No animation (stdout is not a terminal): a plain line on stderr when a task starts or ends, and a
 * job line when the counts moved, at most every `everyMs`.
 */
export class PlainProgressDisplay implements ProgressDisplay {
  private readonly statuses = new Map<string, string>();
  private lastLineAt = -Infinity;
  private lastLine = '';

  constructor(
    private readonly write: (line: string) => void,
    private readonly everyMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  show(progress: JobProgress): void {
    for (const task of progress.tasks) {
      const before = this.statuses.get(task.job_task_id);
      if (before === task.status) continue;
      this.statuses.set(task.job_task_id, task.status);
      if (task.status === 'PENDING') continue;
      this.write(
        `task ${task.job_task_id} (secret ${task.secret_id}) ${task.status}: ${task.written} written, ` +
          `${formatRate(task.rate)}, ${task.failures} failures, ${formatSeconds(task.elapsedSeconds)}`,
      );
    }
    const line =
      `job ${progress.job_id} ${progress.status}: ${progress.endedTasks}/${progress.totalTasks} tasks ended, ` +
      `${progress.written} written, ${progress.failures} failures`;
    const ended = progress.status !== 'IN_PROGRESS';
    if (line !== this.lastLine && (ended || this.now() - this.lastLineAt >= this.everyMs)) {
      this.write(`${line}, ${formatSeconds(progress.elapsedSeconds)}`);
      this.lastLine = line;
      this.lastLineAt = this.now();
    }
  }

  finish(): void {
    // nothing drawn, nothing to clear
  }
}
