import { loadavg } from 'node:os';
import { Client } from 'pg';
import { BenchEnvironment } from './bench-environment';
import { collectAndWait, counterProblems, createCollector, createSecret, JobRun, SyntheticOptions, updateCollectorOptions } from './collect-runs';
import { formatInt, formatRatio, formatSeconds, markdownTable, ratePerSecond } from './figures';
import { ACCOUNT_ID } from './ingest.bench';

/** The inventory's CHANGE_HISTORY: collects record what they change, or not. */
export type HistorySwitch = 'on' | 'off';

export interface RecollectBenchOptions {
  sizes: number[];
  /** Every change_every-th resource changes in the third collect (default 10: 10%). */
  changeEvery: number;
  timeoutMs: number;
  /** The variants, run back to back for each N, in this order (default: off, then on). */
  history?: HistorySwitch[];
  /** How many times the variants are run, one after the other (a shared machine's load moves). */
  rounds?: number;
}

export type RecollectKind = 'first' | 'unchanged' | 'changed';

export interface RecollectRow {
  n: number;
  round: number;
  history: HistorySwitch;
  /** 1-minute load average when the variant started. */
  load: number;
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

interface Variant {
  n: number;
  round: number;
  history: HistorySwitch;
  load: number;
}

function row(variant: Variant, kind: RecollectKind, run: JobRun, expected: { created: number; updated: number }): RecollectRow {
  const n = variant.n;
  const problems = counterProblems(run, { ...expected, tasks: 1 });
  if (run.disconnected !== 0) problems.push(`${run.disconnected} resources disconnected, expected 0`);
  return {
    ...variant,
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

/** The change records of the database, per action. */
async function recordCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ action: string; n: number }>(`SELECT action, count(*)::int AS n FROM change_record GROUP BY action`);
    return Object.fromEntries(rows.map((r) => [r.action, r.n]).sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    await client.end();
  }
}

/**
 * For each N and each variant of the change history (CHANGE_HISTORY off, then on; `rounds` times),
 * on a fresh database and inventory: a first collect, the same collect again with nothing
 * changed, and once more with `version` bumped so that 1 in `changeEvery` resources changed.
 * Rates are N / (job created → finished): every resource was streamed and matched. The records
 * written are checked: a CREATE per resource and an UPDATE per changed one with history, none without.
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
  const variants = options.history ?? ['off', 'on'];
  for (const n of options.sizes) {
    for (let round = 1; round <= (options.rounds ?? 1); round++) {
      for (const history of variants) {
        const variant: Variant = { n, round, history, load: loadavg()[0] };
        const databaseUrl = await env.createDatabase(`recollect_${n}_${history}_${round}`);
        const inventory = await env.startInventory(databaseUrl, { CHANGE_HISTORY: history });
        const collect = (collectorId: string) => collectAndWait(inventory.grpc, collectorId, options.timeoutMs);
        const changed = changedCount(n, options.changeEvery);
        try {
          await inventory.explain(async () => {
            const secretId = await createSecret(inventory.grpc, ACCOUNT_ID);
            const collectorId = await createCollector(inventory.grpc, `recollect ${n}`, collectorOptions(n, 1), [secretId]);
            const step = `re-collect: ${n} resources, history ${history}, round ${round}`;
            env.log(`${step}: first collect`);
            rows.push(row(variant, 'first', await collect(collectorId), { created: n, updated: 0 }));
            env.log(`${step}: unchanged`);
            rows.push(row(variant, 'unchanged', await collect(collectorId), { created: 0, updated: 0 }));
            await updateCollectorOptions(inventory.grpc, collectorId, collectorOptions(n, 2));
            env.log(`${step}: 1 in ${options.changeEvery} changed`);
            rows.push(row(variant, 'changed', await collect(collectorId), { created: 0, updated: changed }));
          });
          const records = await recordCounts(databaseUrl);
          const expected = history === 'on' ? { CREATE: n, UPDATE: changed } : {}; // keys sorted
          if (JSON.stringify(records) !== JSON.stringify(expected)) {
            rows[rows.length - 1].problems.push(`change records ${JSON.stringify(records)}, expected ${JSON.stringify(expected)}`);
          }
        } finally {
          await inventory.stop();
          await env.dropDatabase(databaseUrl);
        }
      }
    }
  }
  return rows;
}

export function formatRecollectReport(rows: RecollectRow[], changeEvery: number): string {
  const same = (a: RecollectRow, b: RecollectRow) => a.n === b.n && a.round === b.round && a.history === b.history;
  const firstRate = (r: RecollectRow) => rows.find((f) => same(f, r) && f.kind === 'first')?.rate ?? NaN;
  const label: Record<RecollectKind, string> = {
    first: 'first collect (baseline)',
    unchanged: 'again, unchanged',
    changed: `again, 1 in ${changeEvery} changed`,
  };
  const table = markdownTable(
    ['N', 'round', 'history', 'load', 'collect', 'job s', 'res/s', 'vs first', 'created', 'updated', 'expected created/updated', 'counters'],
    rows.map((r) => [
      formatInt(r.n),
      String(r.round),
      r.history,
      r.load.toFixed(2),
      label[r.kind],
      formatSeconds(r.seconds),
      formatInt(r.rate),
      formatRatio(r.rate / firstRate(r)),
      formatInt(r.created),
      formatInt(r.updated),
      `${formatInt(r.expected.created)} / ${formatInt(r.expected.updated)}`,
      r.problems.length === 0 ? 'PASS' : 'FAIL',
    ]),
  );
  const failures = rows
    .filter((r) => r.problems.length > 0)
    .map((r) => `- FAIL ${formatInt(r.n)} history ${r.history} round ${r.round} ${r.kind}: ${r.problems.join('; ')}`);
  const faster = rows
    .filter((r) => r.kind === 'unchanged')
    .map((r) => {
      const verdict = r.rate > firstRate(r) ? 'faster' : 'NOT faster';
      return `- ${formatInt(r.n)}, history ${r.history}, round ${r.round}: the unchanged re-collect is ${verdict} than the first collect`;
    });
  // the cost of the change history: the same collect, with records against without, in the same round
  const cost = rows
    .filter((r) => r.history === 'on')
    .flatMap((on) => {
      const off = rows.find((r) => r.n === on.n && r.round === on.round && r.history === 'off' && r.kind === on.kind);
      if (!off || on.kind === 'unchanged') return [];
      const slower = (on.seconds / off.seconds - 1) * 100;
      return [`- ${formatInt(on.n)}, round ${on.round}, ${label[on.kind]}: with history ${formatSeconds(on.seconds)} s, without ${formatSeconds(off.seconds)} s: ${slower >= 0 ? `${slower.toFixed(1)}% slower` : `${(-slower).toFixed(1)}% faster`}`];
    });
  return [
    'Re-collect: the same N resources again, unchanged and with some changed (resources/s = N / job time), with CHANGE_HISTORY off and on',
    '',
    table,
    '',
    ...faster,
    ...(cost.length > 0 ? ['', 'Change history (CHANGE_HISTORY=on against off, same N and round; the goal: the changed collect under 15% slower):', ...cost] : []),
    ...failures,
  ].join('\n');
}

export function recollectFailed(rows: RecollectRow[]): boolean {
  return rows.some((r) => r.problems.length > 0);
}
