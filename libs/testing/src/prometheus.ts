/** One sample of a Prometheus text exposition: `name{label="value",...} value`. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromScrape {
  /** Metric families by `# TYPE` (counter, gauge, histogram, summary). */
  types: Map<string, string>;
  samples: PromSample[];
  /** Names a query may use: each family, and a histogram's _bucket, _sum and _count series. */
  names(): Set<string>;
  /** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
  sum(name: string, labels?: Record<string, string>): number;
  /** Whether a sample of `name` with these labels exists. */
  has(name: string, labels?: Record<string, string>): boolean;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses Prometheus text format 0.0.4 (what prom-client writes); throws on a line it does not understand. */
export function parsePrometheusText(text: string): PromScrape {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  const matches = (sample: PromSample, name: string, labels: Record<string, string>) =>
    sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
  return {
    types,
    samples,
    names: () => {
      const names = new Set<string>();
      for (const [name, type] of types) {
        names.add(name);
        if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      }
      return names;
    },
    sum: (name, labels = {}) => samples.filter((s) => matches(s, name, labels)).reduce((total, s) => total + s.value, 0),
    has: (name, labels = {}) => samples.some((s) => matches(s, name, labels)),
  };
}

/** GET <baseUrl>/metrics, checked to be Prometheus text, parsed. */
export async function scrapePrometheus(baseUrl: string): Promise<PromScrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}: ${body.slice(0, 200)}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain')) throw new Error(`GET ${baseUrl}/metrics is ${type}, not Prometheus text`);
  return parsePrometheusText(body);
}
