import { loadavg } from 'node:os';
import { Client } from 'pg';
import { BenchEnvironment, InventoryInstance } from './bench-environment';
import { collectAndWait, counterProblems, createCollector, createSecret, JobRun, SyntheticOptions, updateCollectorOptions } from './collect-runs';
import { formatInt, formatRatio, formatSeconds, markdownTable, ratePerSecond } from './figures';
import { ACCOUNT_ID } from './ingest.bench';

/** The inventory's CHANGE_HISTORY: collects record what they change, or not. */
export type HistorySwitch = 'on' | 'off';

export interface RecollectBenchOptions {
  sizes: number[];
  /** Every change_every-th resource changes in each changed collect (default 10: 10%). */
  changeEvery: number;
  timeoutMs: number;
  /** How many changed collects each side runs (the version bumped each time), in pairs. */
  rounds?: number;
}

export type RecollectKind = 'first' | 'unchanged' | 'changed';

export interface RecollectRow {
  n: number;
  /** 0 for the first and the unchanged collect, 1… for the changed collects. */
  round: number;
  history: HistorySwitch;
  /** 1-minute load average when the collect started. */
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

/** One side of the comparison: an inventory with CHANGE_HISTORY off or on, on a database of its own. */
interface Side {
  history: HistorySwitch;
  databaseUrl: string;
  inventory: InventoryInstance;
  collectorId: string;
}

/** The change records of the database, per action, keys sorted. */
async function recordCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ action: string; n: number }>(`SELECT action, count(*)::int AS n FROM change_record GROUP BY action ORDER BY action`);
    return Object.fromEntries(rows.map((r) => [r.action, r.n]));
  } finally {
    await client.end();
  }
}

/**
 * For each N: two inventories run at once, CHANGE_HISTORY off and on, each on a fresh database of
 * its own. Each collect is run on one side and then on the other, so that both see the shared
 * machine in the same state: a first collect, the same collect again with nothing changed, then
 * `rounds` collects with the synthetic `version` bumped each time (1 in `changeEvery` resources
 * changed), the order of the sides alternating from round to round. Rates are N / (job created →
 * finished): every resource was streamed and matched. Counters are checked exactly, and so are the
 * records written: a CREATE per resource and an UPDATE per changed resource and round with
 * history, none without.
 */
export async function runRecollectBench(env: BenchEnvironment, options: RecollectBenchOptions): Promise<RecollectRow[]> {
  const rows: RecollectRow[] = [];
  const rounds = options.rounds ?? 3;
  const collectorOptions = (n: number, version: number): SyntheticOptions => ({
    count: n,
    seed: 1,
    version,
    change_every: options.changeEvery,
    include_types: false,
  });
  for (const n of options.sizes) {
    const changed = changedCount(n, options.changeEvery);
    const sides: Side[] = [];
    try {
      for (const history of ['off', 'on'] as const) {
        const databaseUrl = await env.createDatabase(`recollect_${n}_${history}`);
        const inventory = await env.startInventory(databaseUrl, { CHANGE_HISTORY: history });
        sides.push({ history, databaseUrl, inventory, collectorId: '' });
        side(sides, history).collectorId = await inventory.explain(async () => {
          const secretId = await createSecret(inventory.grpc, ACCOUNT_ID);
          return createCollector(inventory.grpc, `recollect ${n}`, collectorOptions(n, 1), [secretId]);
        });
      }
      const collect = async (s: Side, kind: RecollectKind, round: number, expected: { created: number; updated: number }) => {
        env.log(`re-collect: ${n} resources, ${kind === 'changed' ? `1 in ${options.changeEvery} changed, round ${round}` : kind}, history ${s.history}`);
        const load = loadavg()[0];
        const run = await s.inventory.explain(() => collectAndWait(s.inventory.grpc, s.collectorId, options.timeoutMs));
        rows.push(row({ n, round, history: s.history, load }, kind, run, expected));
      };
      for (const s of sides) await collect(s, 'first', 0, { created: n, updated: 0 });
      for (const s of sides) await collect(s, 'unchanged', 0, { created: 0, updated: 0 });
      for (let round = 1; round <= rounds; round++) {
        for (const s of sides) await s.inventory.explain(() => updateCollectorOptions(s.inventory.grpc, s.collectorId, collectorOptions(n, round + 1)));
        // alternate which side goes first, so that neither always follows the other's writes
        for (const s of round % 2 === 1 ? sides : [...sides].reverse()) await collect(s, 'changed', round, { created: 0, updated: changed });
      }
      for (const s of sides) {
        const records = await recordCounts(s.databaseUrl);
        const expected = s.history === 'on' ? { CREATE: n, UPDATE: changed * rounds } : {};
        if (JSON.stringify(records) !== JSON.stringify(expected)) {
          rows.filter((r) => r.n === n && r.history === s.history).at(-1)!.problems.push(`change records ${JSON.stringify(records)}, expected ${JSON.stringify(expected)}`);
        }
      }
    } finally {
      for (const s of sides) {
        await s.inventory.stop();
        await env.dropDatabase(s.databaseUrl);
      }
    }
  }
  return rows;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function side(sides: Side[], history: HistorySwitch): Side {
  return sides.find((s) => s.history === history)!;
}

function row(measured: Pick<RecollectRow, 'n' | 'round' | 'history' | 'load'>, kind: RecollectKind, run: JobRun, expected: { created: number; updated: number }): RecollectRow {
  const problems = counterProblems(run, { ...expected, tasks: 1 });
  if (run.disconnected !== 0) problems.push(`${run.disconnected} resources disconnected, expected 0`);
  return {
    ...measured,
    kind,
    seconds: run.seconds,
    rate: ratePerSecond(measured.n, run.seconds),
    created: run.created,
    updated: run.updated,
    disconnected: run.disconnected,
    expected,
    problems,
  };
}

/** The cost of the history for one N: each changed round's time with it against without, and their median. */
export interface HistoryCost {
  n: number;
  /** on / off job time of each changed round, in round order. */
  ratios: number[];
  median: number;
  /** Sum of the changed collects' times, on / off. */
  total: number;
}

export function historyCosts(rows: RecollectRow[]): HistoryCost[] {
  const sizes = [...new Set(rows.map((r) => r.n))];
  return sizes.flatMap((n) => {
    const changed = (history: HistorySwitch) => rows.filter((r) => r.n === n && r.kind === 'changed' && r.history === history);
    const on = changed('on');
    const pairs = on.flatMap((r) => {
      const off = changed('off').find((o) => o.round === r.round);
      return off ? [{ on: r.seconds, off: off.seconds }] : [];
    });
    if (pairs.length === 0) return [];
    const sum = (key: 'on' | 'off') => pairs.reduce((total, p) => total + p[key], 0);
    const ratios = pairs.map((p) => p.on / p.off);
    return [{ n, ratios, median: median(ratios), total: sum('on') / sum('off') }];
  });
}

const percent = (ratio: number) => {
  const slower = (ratio - 1) * 100;
  return slower >= 0 ? `${slower.toFixed(1)}% slower` : `${(-slower).toFixed(1)}% faster`;
};

export function formatRecollectReport(rows: RecollectRow[], changeEvery: number): string {
  const firstRate = (r: RecollectRow) => rows.find((f) => f.n === r.n && f.history === r.history && f.kind === 'first')?.rate ?? NaN;
  const label = (r: RecollectRow) =>
    r.kind === 'first' ? 'first collect (baseline)' : r.kind === 'unchanged' ? 'again, unchanged' : `again, 1 in ${changeEvery} changed (round ${r.round})`;
  const table = markdownTable(
    ['N', 'collect', 'history', 'load', 'job s', 'res/s', 'vs first', 'created', 'updated', 'expected created/updated', 'counters'],
    rows.map((r) => [
      formatInt(r.n),
      label(r),
      r.history,
      r.load.toFixed(2),
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
    .map((r) => `- FAIL ${formatInt(r.n)} history ${r.history} ${label(r)}: ${r.problems.join('; ')}`);
  const faster = rows
    .filter((r) => r.kind === 'unchanged')
    .map((r) => `- ${formatInt(r.n)}, history ${r.history}: the unchanged re-collect is ${r.rate > firstRate(r) ? 'faster' : 'NOT faster'} than the first collect`);
  const cost = historyCosts(rows).map(
    (c) =>
      `- ${formatInt(c.n)}: 1 in ${changeEvery} changed, with history against without: median of ${c.ratios.length} rounds ${percent(c.median)} ` +
      `(rounds: ${c.ratios.map((ratio) => percent(ratio)).join(', ')}; summed job times ${percent(c.total)}); goal under 15% slower: ${c.median < 1.15 ? 'MET' : 'NOT MET'}`,
  );
  return [
    'Re-collect: the same N resources again, unchanged and with some changed (resources/s = N / job time); CHANGE_HISTORY off and on side by side, each collect on one then the other',
    '',
    table,
    '',
    ...faster,
    ...(cost.length > 0 ? ['', 'Change history (the same changed collect with CHANGE_HISTORY=on against off, paired by round):', ...cost] : []),
    ...failures,
  ].join('\n');
}

export function recollectFailed(rows: RecollectRow[]): boolean {
  return rows.some((r) => r.problems.length > 0);
}
