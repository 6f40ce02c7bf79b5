import { join } from 'node:path';
import { BenchEnvironment } from './bench-environment';
import { CollectRequest, decodeFromPlugin, decodeFromReplay, genericResourceDeserializer, recordFrames, startReplayServer, StreamReading } from './bare-stream';
import { collectAndWait, counterProblems, createCollector, createSecret, SyntheticOptions } from './collect-runs';
import { formatInt, formatRatio, formatSeconds, markdownTable, ratePerSecond } from './figures';
import { NaiveReading, runNaiveIngest } from './naive-ingest';
import { CpuMeter, CpuReading, postmasterPid } from './process-cpu';

export type DataMode = 'struct' | 'json_data';

export interface IngestBenchOptions {
  /** Resources in the one task of each collect (default 10k, 100k, 1M). */
  sizes: number[];
  /** Resources of the naive ORM baseline (default 5k), scaled to resources/s. */
  naiveN: number;
  /** Also run each size with `json_data: true`. */
  jsonData: boolean;
  /** Frames recorded from the plugin for the bare stream; the replay cycles through them. */
  recordFrames: number;
  timeoutMs: number;
}

export interface IngestRow {
  n: number;
  mode: DataMode;
  /** Job created → finished, from the inventory's timestamps. */
  endToEnd: { seconds: number; rate: number; created: number };
  /** CPU seconds of each process over the collect (PostgreSQL: every process of the server; absent when it is not on this machine). */
  cpu: CpuReading;
  /** Recorded frames replayed by a bare grpc-js server, decoded by a bare client with the inventory's decoder: the ceiling. */
  bare: StreamReading;
  /** The same, decoded with the generic protobufjs decoder: issue 3's reference ceiling. */
  bareGeneric: StreamReading;
  /** A bare client decoding straight from the real plugin: the source's own speed. */
  plugin: StreamReading;
  frameBytes: number;
  problems: string[];
}

export interface IngestReport {
  rows: IngestRow[];
  naive: NaiveReading & { n: number };
}

export const ACCOUNT_ID = '123456789012';
/** The end-to-end / bare-stream ratio the issue asks for. */
export const TARGET_RATIO = 0.8;

export function syntheticOptions(count: number, mode: DataMode): SyntheticOptions {
  return { count, seed: 1, include_types: false, json_data: mode === 'json_data' };
}

export function collectRequest(count: number, mode: DataMode): CollectRequest {
  return { options: { ...syntheticOptions(count, mode) }, secret_data: { account_id: ACCOUNT_ID }, filter: {} };
}

/** One collect of `n` resources in one task, on a fresh database and a fresh inventory process. */
async function endToEnd(env: BenchEnvironment, n: number, mode: DataMode, timeoutMs: number) {
  const databaseUrl = await env.createDatabase(`ingest_${mode}_${n}`);
  const inventory = await env.startInventory(databaseUrl);
  try {
    return await inventory.explain(async () => {
      const secretId = await createSecret(inventory.grpc, ACCOUNT_ID);
      const collectorId = await createCollector(inventory.grpc, `ingest ${n} ${mode}`, syntheticOptions(n, mode), [secretId]);
      // where the time goes: each process's CPU over the collect (from /proc/<pid>/stat)
      const meter = new CpuMeter({ postmaster: await postmasterPid(databaseUrl), inventory: inventory.pid, plugin: env.collectorPlugin.child.pid! });
      const run = await collectAndWait(inventory.grpc, collectorId, timeoutMs);
      const cpu = meter.read();
      return {
        endToEnd: { seconds: run.seconds, rate: ratePerSecond(run.created, run.seconds), created: run.created },
        cpu,
        problems: counterProblems(run, { created: n, updated: 0, tasks: 1 }),
      };
    });
  } finally {
    await inventory.stop();
    await env.dropDatabase(databaseUrl);
  }
}

export async function runIngestBench(env: BenchEnvironment, options: IngestBenchOptions): Promise<IngestReport> {
  // the naive baseline first: it is the quickest, and a broken schema shows before the long runs
  env.log(`ingest: naive ORM baseline, ${options.naiveN} resources one at a time`);
  const naiveDatabase = await env.createDatabase('ingest_naive');
  let naive: NaiveReading;
  try {
    naive = await runNaiveIngest(naiveDatabase, env.collectorPluginAddress, collectRequest(options.naiveN, 'struct'));
  } finally {
    await env.dropDatabase(naiveDatabase);
  }
  env.log(`  naive ${formatInt(naive.rate)}/s`);
  const naiveProblems = naive.created === options.naiveN ? [] : [`naive baseline created ${naive.created}, expected ${options.naiveN}`];

  const modes: DataMode[] = options.jsonData ? ['struct', 'json_data'] : ['struct'];
  const recorded = Math.min(options.recordFrames, Math.max(...options.sizes));
  const files: Record<string, string> = {};
  const frameBytes: Record<string, number> = {};
  for (const mode of modes) {
    files[mode] = join(env.workDir, `frames-${mode}.bin`);
    const recording = await recordFrames(env.collectorPluginAddress, collectRequest(recorded, mode), recorded, files[mode]);
    frameBytes[mode] = recording.averageBytes;
    env.log(`recorded ${recording.frames} ${mode} frames of ${recording.averageBytes} B on average`);
  }
  const replay = await startReplayServer(files);
  const rows: IngestRow[] = [];
  try {
    for (const n of options.sizes) {
      for (const mode of modes) {
        env.log(`ingest: ${n} resources (${mode}) end to end`);
        const run = await endToEnd(env, n, mode, options.timeoutMs);
        env.log(`ingest: ${n} resources (${mode}) through the bare stream and from the plugin`);
        const bare = await decodeFromReplay(replay.address, mode, n);
        const bareGeneric = await decodeFromReplay(replay.address, mode, n, genericResourceDeserializer());
        const plugin = await decodeFromPlugin(env.collectorPluginAddress, collectRequest(n, mode));
        const problems = [...run.problems, ...naiveProblems];
        if (bare.messages !== n) problems.push(`bare stream: ${bare.messages} messages, expected ${n}`);
        if (bareGeneric.messages !== n) problems.push(`bare stream (generic decoder): ${bareGeneric.messages} messages, expected ${n}`);
        if (plugin.messages !== n) problems.push(`plugin: ${plugin.messages} messages, expected ${n}`);
        rows.push({ n, mode, endToEnd: run.endToEnd, cpu: run.cpu, bare, bareGeneric, plugin, frameBytes: frameBytes[mode], problems });
        env.log(`  end to end ${formatInt(run.endToEnd.rate)}/s, bare ${formatInt(bare.rate)}/s, plugin ${formatInt(plugin.rate)}/s`);
      }
    }
  } finally {
    await replay.stop();
  }
  return { rows, naive: { ...naive, n: options.naiveN } };
}

export function formatIngestReport(report: IngestReport): string {
  const table = markdownTable(
    [
      'N',
      'data',
      'B/msg',
      'job s',
      'end-to-end res/s',
      'bare stream res/s',
      'e2e / bare',
      'bare, generic decoder res/s',
      'e2e / generic bare',
      'plugin source res/s',
      'e2e / plugin',
      `naive ORM res/s (N=${formatInt(report.naive.n)})`,
      'e2e / naive',
    ],
    report.rows.map((row) => [
      formatInt(row.n),
      row.mode,
      String(row.frameBytes),
      formatSeconds(row.endToEnd.seconds),
      formatInt(row.endToEnd.rate),
      formatInt(row.bare.rate),
      formatRatio(row.endToEnd.rate / row.bare.rate),
      formatInt(row.bareGeneric.rate),
      formatRatio(row.endToEnd.rate / row.bareGeneric.rate),
      formatInt(row.plugin.rate),
      formatRatio(row.endToEnd.rate / row.plugin.rate),
      formatInt(report.naive.rate),
      formatRatio(row.endToEnd.rate / report.naive.rate),
    ]),
  );
  const perResource = (seconds: number | undefined, n: number) => (seconds === undefined ? '–' : formatInt((seconds * 1e6) / n));
  const cpuTable = markdownTable(
    ['N', 'data', 'PostgreSQL µs/res', 'inventory µs/res', 'plugin µs/res', 'total µs/res', 'CPU-bound rate on 2 cores res/s'],
    report.rows.map((row) => {
      const total = (row.cpu.postgres ?? 0) + row.cpu.inventory + row.cpu.plugin;
      return [
        formatInt(row.n),
        row.mode,
        perResource(row.cpu.postgres, row.n),
        perResource(row.cpu.inventory, row.n),
        perResource(row.cpu.plugin, row.n),
        perResource(total, row.n),
        formatInt((2 * row.n) / total),
      ];
    }),
  );
  const verdicts = report.rows.map((row) => {
    const ratio = row.endToEnd.rate / row.bare.rate;
    const generic = row.endToEnd.rate / row.bareGeneric.rate;
    const met = (value: number) => (value >= TARGET_RATIO ? 'met' : 'not met');
    const counters = row.problems.length === 0 ? 'counters exact' : `FAIL: ${row.problems.join('; ')}`;
    return `- ${formatInt(row.n)} ${row.mode}: e2e / bare ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${met(ratio)}), e2e / generic bare ${generic.toFixed(2)} (${met(generic)}); ${counters}`;
  });
  return [
    'Ingest: one collect of N synthetic resources in one task (resources/s)',
    '',
    table,
    '',
    ...verdicts,
    '',
    'Where the time goes: CPU (user + system) per resource over the end-to-end collect, from /proc/<pid>/stat',
    '(PostgreSQL: the postmaster and all its children, exited backends through its cutime).',
    '',
    cpuTable,
    '',
    'end to end: job created_at → finished_at (inventory + collector plugin processes, PostgreSQL).',
    'bare stream: recorded plugin frames replayed by a bare grpc-js server process, decoded by a bare client with the inventory\'s deserializer (decodeResourceInfo).',
    'bare, generic decoder: the same stream decoded by proto-loader/protobufjs with the Struct wrappers (issue 3\'s reference: ~27k/s).',
    'plugin source: a bare client decoding straight from the collector plugin process.',
    'naive ORM: one findOne by match-rule values + one save per resource through TypeORM (the inventory\'s entities).',
  ].join('\n');
}

export function ingestFailed(report: IngestReport): boolean {
  return report.rows.some((row) => row.problems.length > 0);
}
