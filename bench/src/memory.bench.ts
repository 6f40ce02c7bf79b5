import { BenchEnvironment } from './bench-environment';
import { collectAndWait, counterProblems, createCollector, createSecret } from './collect-runs';
import { formatInt, formatMb, formatRatio, markdownTable, ratePerSecond } from './figures';
import { resetPeakRss, RssSampler, statusKb } from './process-memory';

export interface MemoryBenchOptions {
  sizes: number[];
  /** peak(largest N) / peak(smallest N) at most this is "flat" (default 1.5). */
  flatRatio: number;
  timeoutMs: number;
}

export interface MemoryRow {
  n: number;
  rate: number;
  /**
   * VmHWM after the run, the peak having been reset just before it (KiB); at least the largest
   * sample, as the kernel updates VmHWM lazily and can read a little below a VmRSS it sampled.
   */
  peakKb: number;
  /** Largest VmRSS sampled every 100 ms during the run (KiB). */
  sampledKb: number;
  /** Largest sampled VmRSS in the first and the second half of the run (KiB). */
  firstHalfKb: number;
  secondHalfKb: number;
  problems: string[];
}

export interface MemoryReport {
  idleKb: number;
  peakReset: boolean;
  rows: MemoryRow[];
  flatRatio: number;
}

/**
 * One inventory process, collects of growing N (one task each, fresh resources every time):
 * the process's peak RSS for each, the peak being reset between runs.
 */
export async function runMemoryBench(env: BenchEnvironment, options: MemoryBenchOptions): Promise<MemoryReport> {
  const databaseUrl = await env.createDatabase('memory');
  const inventory = await env.startInventory(databaseUrl);
  try {
    return await inventory.explain(async () => {
      const idleKb = statusKb(inventory.pid, 'VmRSS');
      let peakReset = true;
      const rows: MemoryRow[] = [];
      for (const [i, n] of options.sizes.entries()) {
        const account = String(100_000_000_000 + i);
        const secretId = await createSecret(inventory.grpc, account);
        const collectorId = await createCollector(inventory.grpc, `memory ${n}`, { count: n, seed: 1, include_types: false }, [secretId]);
        env.log(`memory: ${n} resources in one task`);
        peakReset = resetPeakRss(inventory.pid) && peakReset;
        const sampler = new RssSampler(inventory.pid, 100);
        const run = await collectAndWait(inventory.grpc, collectorId, options.timeoutMs);
        const sampledKb = sampler.stop();
        const { firstKb, secondKb } = sampler.halves();
        const peakKb = Math.max(statusKb(inventory.pid, 'VmHWM'), sampledKb);
        rows.push({
          n,
          rate: ratePerSecond(run.created, run.seconds),
          peakKb,
          sampledKb,
          firstHalfKb: firstKb,
          secondHalfKb: secondKb,
          problems: counterProblems(run, { created: n, updated: 0, tasks: 1 }),
        });
        env.log(`  peak RSS ${formatMb(peakKb)} MB (sampled ${formatMb(sampledKb)} MB)`);
      }
      return { idleKb, peakReset, rows, flatRatio: options.flatRatio };
    });
  } finally {
    await inventory.stop();
    await env.dropDatabase(databaseUrl);
  }
}

/** The run's peak: VmHWM, or the sampled peak where VmHWM could not be reset. */
function peakOf(report: MemoryReport, row: MemoryRow): number {
  return report.peakReset ? row.peakKb : row.sampledKb;
}

/** peak(largest N) / peak(smallest N), by VmHWM (or the sampled peak where VmHWM could not be reset). */
export function growth(report: MemoryReport): number {
  const first = report.rows[0];
  const last = report.rows[report.rows.length - 1];
  return first && last ? peakOf(report, last) / peakOf(report, first) : NaN;
}

/** Within a run of at most this much growth from its first half to its second, memory is flat. */
export const WITHIN_RUN_FLAT = 1.1;

export interface MemoryVerdict {
  flat: boolean;
  /** Second-half peak / first-half peak of the largest run (NaN without samples in its first half). */
  withinRun: number;
  /** peak(largest N) / peak(smallest N). */
  acrossSizes: number;
}

/**
 * Is the peak flat? A process that buffers or leaks per resource keeps growing while its stream
 * runs, and its peak grows with N; one that is flat reaches a steady state early (V8 sizes its
 * heap over the first ~100k resources) and stays. Flat: the largest run's second-half peak is
 * within WITHIN_RUN_FLAT of its first half, or the peaks across sizes within flatRatio. With fewer
 * than two sizes or no figures there is nothing to judge: not flat.
 */
export function memoryVerdict(report: MemoryReport): MemoryVerdict {
  const acrossSizes = report.rows.length >= 2 ? growth(report) : NaN;
  const largest = report.rows[report.rows.length - 1];
  const withinRun = largest && largest.firstHalfKb > 0 ? largest.secondHalfKb / largest.firstHalfKb : NaN;
  const flat = report.rows.length >= 2 && (withinRun <= WITHIN_RUN_FLAT || acrossSizes <= report.flatRatio);
  return { flat, withinRun, acrossSizes };
}

export function formatMemoryReport(report: MemoryReport): string {
  const peak = (row: MemoryRow) => peakOf(report, row);
  const base = report.rows[0];
  const table = markdownTable(
    ['N', 'res/s', 'peak RSS MB (VmHWM)', 'max sampled RSS MB', '1st half / 2nd half MB', `peak / peak(N=${base ? formatInt(base.n) : '–'})`, 'counters'],
    report.rows.map((row) => [
      formatInt(row.n),
      formatInt(row.rate),
      report.peakReset ? formatMb(row.peakKb) : 'n/a',
      formatMb(row.sampledKb),
      `${formatMb(row.firstHalfKb)} / ${formatMb(row.secondHalfKb)}`,
      formatRatio(peak(row) / peak(base)),
      row.problems.length === 0 ? 'PASS' : `FAIL: ${row.problems.join('; ')}`,
    ]),
  );
  const { flat, withinRun, acrossSizes: ratio } = memoryVerdict(report);
  const counters = report.rows.every((row) => row.problems.length === 0);
  return [
    'Memory: peak RSS of the inventory process, one task of N resources per run (the peak reset between runs)',
    '',
    `idle RSS after start: ${formatMb(report.idleKb)} MB${report.peakReset ? '' : ' (VmHWM could not be reset: sampled peaks only)'}`,
    '',
    table,
    '',
    `flat: ${flat ? 'yes' : 'NO'} — within the largest run the second-half peak is ${withinRun.toFixed(2)}× the first-half peak (flat: ≤ ${WITHIN_RUN_FLAT.toFixed(2)}×, or peaks within ${report.flatRatio}× across sizes); ` +
      `the peak is ${ratio.toFixed(2)}× from ${formatInt(report.rows[0]?.n ?? 0)} to ${formatInt(report.rows[report.rows.length - 1]?.n ?? 0)} resources, most of it the heap growing to its working size over the first runs`,
    '',
    flat && counters
      ? 'PASS: the peak is flat and every counter is exact'
      : `FAIL: ${[flat ? '' : 'the peak is not flat', counters ? '' : 'a counter is wrong'].filter(Boolean).join('; ')}`,
  ].join('\n');
}

/** A wrong counter, or a peak that is not flat: the script exits 1. */
export function memoryFailed(report: MemoryReport): boolean {
  return report.rows.some((row) => row.problems.length > 0) || !memoryVerdict(report).flat;
}
