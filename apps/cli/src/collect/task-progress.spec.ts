import { JobSnapshot } from './job-watch';
import { PlainProgressDisplay } from './progress-display';
import { ProgressTracker, formatSeconds } from './task-progress';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function snapshot(readAtMs: number, tasks: { id: string; status: string; created: number; updated?: number; failures?: number; startedMs?: number; finishedMs?: number }[], jobStatus = 'IN_PROGRESS'): JobSnapshot {
  const ended = tasks.filter((t) => !['IN_PROGRESS', 'PENDING'].includes(t.status)).length;
  return {
    readAt: T0 + readAtMs,
    job: {
      job_id: 'job-1',
      status: jobStatus,
      total_tasks: tasks.length,
      remained_tasks: tasks.length - ended,
      created_at: iso(0),
      finished_at: jobStatus === 'IN_PROGRESS' ? '' : iso(readAtMs),
    },
    tasks: tasks.map((t) => ({
      job_task_id: t.id,
      secret_id: `secret-${t.id}`,
      status: t.status,
      created_count: t.created,
      updated_count: t.updated ?? 0,
      failure_count: t.failures ?? 0,
      disconnected_count: 0,
      started_at: t.startedMs === undefined ? '' : iso(t.startedMs),
      finished_at: t.finishedMs === undefined ? '' : iso(t.finishedMs),
    })),
  };
}

describe('ProgressTracker', () => {
  it('counts created and updated as written, and sums the job', () => {
    const tracker = new ProgressTracker();
    const progress = tracker.update(
      snapshot(2_000, [
        { id: 'a', status: 'IN_PROGRESS', created: 100, updated: 20, failures: 1, startedMs: 0 },
        { id: 'b', status: 'SUCCESS', created: 50, startedMs: 0, finishedMs: 1_000 },
      ]),
    );
    expect(progress).toMatchObject({ totalTasks: 2, endedTasks: 1, written: 170, failures: 1, elapsedSeconds: 2 });
    expect(progress.tasks[0]).toMatchObject({ written: 120, failures: 1, elapsedSeconds: 2 });
    // an ended task's rate is over its whole run, its elapsed time stops at its end
    expect(progress.tasks[1]).toMatchObject({ written: 50, rate: 50, elapsedSeconds: 1 });
  });

  it('gives a running task the rate between readings, not since its start', () => {
    const tracker = new ProgressTracker();
    // 1000 written in the first 10 s (a slow start), then 1000 more in 1 s
    const first = tracker.update(snapshot(10_000, [{ id: 'a', status: 'IN_PROGRESS', created: 1_000, startedMs: 0 }]));
    expect(first.tasks[0].rate).toBeCloseTo(100);
    const second = tracker.update(snapshot(11_000, [{ id: 'a', status: 'IN_PROGRESS', created: 2_000, startedMs: 0 }]));
    expect(second.tasks[0].rate).toBeCloseTo(1_000);
  });

  it('shows no time for a task not started yet', () => {
    const progress = new ProgressTracker().update(snapshot(5_000, [{ id: 'a', status: 'PENDING', created: 0 }]));
    expect(progress.tasks[0]).toMatchObject({ elapsedSeconds: 0, rate: 0 });
  });
});

describe('PlainProgressDisplay (no terminal)', () => {
  it('writes a line when a task starts or ends, and the job line at most every interval and at the end', () => {
    const lines: string[] = [];
    let now = 0;
    const display = new PlainProgressDisplay((line) => lines.push(line), 5_000, () => now);
    const tracker = new ProgressTracker();
    display.show(tracker.update(snapshot(1_000, [{ id: 'a', status: 'IN_PROGRESS', created: 0, startedMs: 0 }])));
    now = 1_000;
    display.show(tracker.update(snapshot(2_000, [{ id: 'a', status: 'IN_PROGRESS', created: 10, startedMs: 0 }])));
    now = 6_000;
    display.show(tracker.update(snapshot(7_000, [{ id: 'a', status: 'IN_PROGRESS', created: 20, startedMs: 0 }])));
    now = 7_000;
    display.show(tracker.update(snapshot(8_000, [{ id: 'a', status: 'SUCCESS', created: 30, startedMs: 0, finishedMs: 8_000 }], 'SUCCESS')));
    expect(lines).toEqual([
      expect.stringMatching(/^task a \(secret secret-a\) IN_PROGRESS: 0 written/),
      expect.stringMatching(/^job job-1 IN_PROGRESS: 0\/1 tasks ended, 0 written, 0 failures/),
      expect.stringMatching(/^job job-1 IN_PROGRESS: 0\/1 tasks ended, 20 written/),
      expect.stringMatching(/^task a \(secret secret-a\) SUCCESS: 30 written, 3\.8\/s, 0 failures, 8\.0s$/),
      expect.stringMatching(/^job job-1 SUCCESS: 1\/1 tasks ended, 30 written, 0 failures, 8\.0s$/),
    ]);
    expect(lines.join('\n')).not.toContain('\u001b');
  });
});

describe('formatSeconds', () => {
  it('reads as seconds, minutes or hours', () => {
    expect(formatSeconds(3.21)).toBe('3.2s');
    expect(formatSeconds(75)).toBe('1m15s');
    expect(formatSeconds(3 * 3600 + 5 * 60)).toBe('3h05m');
  });
});
