import { readFileSync, writeFileSync } from 'node:fs';

/** A field of /proc/<pid>/status in KiB (VmRSS, VmHWM, …). */
export function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/**
 * Resets the process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0: `echo 5 > clear_refs`).
 * Answers false where that is not allowed; the sampler still measures.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs` and keeps the largest value (a cross-check of VmHWM), and the samples. */
export class RssSampler {
  private maxKb = 0;
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    try {
      const kb = statusKb(this.pid, 'VmRSS');
      this.samples.push(kb);
      this.maxKb = Math.max(this.maxKb, kb);
    } catch {
      // the process has gone; keep what was seen
    }
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.maxKb;
  }

  /** The largest sample of the first and of the second half of the run: a stream that leaks keeps growing. */
  halves(): { firstKb: number; secondKb: number } {
    const middle = Math.floor(this.samples.length / 2);
    return {
      firstKb: Math.max(0, ...this.samples.slice(0, middle)),
      secondKb: Math.max(0, ...this.samples.slice(middle)),
    };
  }
}
