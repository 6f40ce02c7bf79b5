import { BenchEnvironment } from './bench-environment';
import { collectAndWait, counterProblems, createCollector, createSecret, JobRun, SyntheticOptions, updateCollectorOptions } from './collect-runs';
import { formatInt, formatRatio, formatSeconds, markdownTable, ratePerSecond } from './figures';
import { ACCOUNT_ID } from './ingest.bench';

export interface RecollectBenchOptions {
  sizes: number[];
  /** Every change_every-th resource changes in the third collect (default 10: 10%). */
  changeEvery: number;
  timeoutMs: number;
}

export type RecollectKind = 'first' | 'unchanged' | 'changed';

export interface RecollectRow {
  n: number;
  kind: RecollectKind;
  seconds: number;
  rate: number;
  created: number;
  updated: number;
  disconnected: number;
  expected: { created: number; updated: number };
  problems: string[];
}

/** The resources a synthetic version bump changes: indexes that are multiples of change_every. */
export function changedCount(count: number, changeEvery: number): number {
  return Math.ceil(count / changeEvery);
}

function row(n: number, kind: RecollectKind, run: JobRun, expected: { created: number; updated: number }): RecollectRow {
  const problems = counterProblems(run, { ...expected, tasks: 1 });
  if (run.disconnected !== 0) problems.push(`${run.disconnected} resources disconnected, expected 0`);
  return {
    n,
    kind,
    seconds: run.seconds,
    rate: ratePerSecond(n, run.seconds),
    created: run.created,
    updated: run.updated,
    disconnected: run.disconnected,
    expected,
    problems,
  };
}

/**
 * For each N, on a fresh database and inventory: a first collect, the same collect again with
 * nothing changed, and once more with `version` bumped so that 1 in `changeEvery` resources
 * changed. Rates are N / (job created → finished): every resource was streamed and matched.
 */
export async function runRecollectBench(env: BenchEnvironment, options: RecollectBenchOptions): Promise<RecollectRow[]> {
  const rows: RecollectRow[] = [];
  const collectorOptions = (n: number, version: number): SyntheticOptions => ({
    count: n,
    seed: 1,
    version,
    change_every: options.changeEvery,
    include_types: false,
  });
  for (const n of options.sizes) {
    const databaseUrl = await env.createDatabase(`recollect_${n}`);
    const inventory = await env.startInventory(databaseUrl);
    const collect = (collectorId: string) => collectAndWait(inventory.grpc, collectorId, options.timeoutMs);
    try {
      await inventory.explain(async () => {
        const secretId = await createSecret(inventory.grpc, ACCOUNT_ID);
        const collectorId = await createCollector(inventory.grpc, `recollect ${n}`, collectorOptions(n, 1), [secretId]);
        env.log(`re-collect: ${n} resources, first collect`);
        rows.push(row(n, 'first', await collect(collectorId), { created: n, updated: 0 }));
        env.log(`re-collect: ${n} resources, unchanged`);
        rows.push(row(n, 'unchanged', await collect(collectorId), { created: 0, updated: 0 }));
        await updateCollectorOptions(inventory.grpc, collectorId, collectorOptions(n, 2));
        env.log(`re-collect: ${n} resources, 1 in ${options.changeEvery} changed`);
        rows.push(row(n, 'changed', await collect(collectorId), { created: 0, updated: changedCount(n, options.changeEvery) }));
      });
    } finally {
      await inventory.stop();
      await env.dropDatabase(databaseUrl);
    }
  }
  return rows;
}

export function formatRecollectReport(rows: RecollectRow[], changeEvery: number): string {
  const firstRate = (n: number) => rows.find((r) => r.n === n && r.kind === 'first')?.rate ?? NaN;
  const label: Record<RecollectKind, string> = {
    first: 'first collect (baseline)',
    unchanged: 'again, unchanged',
    changed: `again, 1 in ${changeEvery} changed`,
  };
  const table = markdownTable(
    ['N', 'collect', 'job s', 'res/s', 'vs first', 'created', 'updated', 'expected created/updated', 'counters'],
    rows.map((r) => [
      formatInt(r.n),
      label[r.kind],
      formatSeconds(r.seconds),
      formatInt(r.rate),
      formatRatio(r.rate / firstRate(r.n)),
      formatInt(r.created),
      formatInt(r.updated),
      `${formatInt(r.expected.created)} / ${formatInt(r.expected.updated)}`,
      r.problems.length === 0 ? 'PASS' : 'FAIL',
    ]),
  );
  const failures = rows.filter((r) => r.problems.length > 0).map((r) => `- FAIL ${formatInt(r.n)} ${r.kind}: ${r.problems.join('; ')}`);
  const faster = [...new Set(rows.map((r) => r.n))].map((n) => {
    const unchanged = rows.find((r) => r.n === n && r.kind === 'unchanged');
    const verdict = unchanged && unchanged.rate > firstRate(n) ? 'faster' : 'NOT faster';
    return `- ${formatInt(n)}: the unchanged re-collect is ${verdict} than the first collect`;
  });
  return [
    'Re-collect: the same N resources again, unchanged and with some changed (resources/s = N / job time)',
    '',
    table,
    '',
    ...faster,
    ...failures,
  ].join('\n');
}

export function recollectFailed(rows: RecollectRow[]): boolean {
  return rows.some((r) => r.problems.length > 0);
}
