/**
 * mulberry32: a tiny, fast, seeded 32-bit PRNG. Re-seeded per resource (see `reseed`) so that a
 * resource depends only on (seed, kind, index) and never on which other resources were generated
 * before it: task splitting and version changes cannot shift anyone else's values.
 */
export class Mulberry32 {
  private state = 0;

  /** Starts a fresh sequence for one (seed, salt, index) triple. */
  reseed(seed: number, salt: number, index: number): this {
    const seedLow = seed >>> 0;
    const seedHigh = Math.floor(seed / 0x1_0000_0000) >>> 0;
    this.state = fmix32(seedLow ^ fmix32(seedHigh ^ fmix32(salt ^ fmix32(index >>> 0))));
    return this;
  }

  /** A uniform unsigned 32-bit integer. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** A uniform integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** Eight lowercase hex digits. */
  hex8(): string {
    return this.uint32().toString(16).padStart(8, '0');
  }
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
