/**
 * The benches' knobs, from the environment (BENCH_N=20000) or from the command line
 * (`-- --n=20000`, which means the same: `--foo-bar=v` is BENCH_FOO_BAR=v). Arguments win.
 */
export class BenchSettings {
  private readonly values: Record<string, string>;

  constructor(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)) {
    this.values = {};
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith('BENCH_') && value !== undefined && value !== '') this.values[key] = value;
    }
    for (const arg of argv) {
      const match = /^--([a-z0-9-]+)=(.*)$/i.exec(arg);
      if (!match) throw new Error(`Unknown argument "${arg}": use --name=value (e.g. --n=20000), or the BENCH_NAME variable.`);
      this.values[`BENCH_${match[1].toUpperCase().replace(/-/g, '_')}`] = match[2];
    }
  }

  string(name: string, fallback: string): string {
    return this.values[name] ?? fallback;
  }

  int(name: string, fallback: number, min = 0): number {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value < min) {
      throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}").`);
    }
    return value;
  }

  number(name: string, fallback: number, min = 0): number {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min} (got "${raw}").`);
    return value;
  }

  /** A comma-separated list of integers, e.g. BENCH_N=10000,100000. */
  intList(name: string, fallback: number[], min = 1): number[] {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const list = raw.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
    if (list.length === 0 || list.some((value) => !Number.isSafeInteger(value) || value < min)) {
      throw new Error(`${name} must be a comma-separated list of integers ≥ ${min} (got "${raw}").`);
    }
    return list;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new Error(`${name} must be true or false (got "${raw}").`);
  }
}

/** The default sizes of the issue: 10k, 100k and 1M resources in one task. */
export const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
