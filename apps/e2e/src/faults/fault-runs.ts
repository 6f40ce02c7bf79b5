/**
 * How many runs each fault scenario makes, and where its random points come from. `npm test` makes
 * one run of each (quick: short leases); `npm run test:faults` sets FAULTS=full: many runs with the
 * workers' default lease and polling. FAULT_SEED picks the random kill points (printed in the
 * suite's title, so that a failing run can be made again).
 */
export const FULL = process.env['FAULTS'] === 'full';

export const FAULT_SEED = Number(process.env['FAULT_SEED'] ?? 20_261_201);

export const FAULT_RUNS = FULL
  ? { replicaKill: 20, pluginKill: 5, hang: 3, stall: 3, postgres: 5, storageDown: 3, scheduleRace: 5 }
  : // storageDown twice: the second run needs the storage plugin, restarted, reachable again at once
    { replicaKill: 1, pluginKill: 1, hang: 1, stall: 1, postgres: 1, storageDown: 2, scheduleRace: 1 };

/** The workers' lease: the default (60 s) in the full suite, 5 s in the quick one. */
export const LEASE_SECONDS = FULL ? 60 : 5;

/** 1, 2, …, n: the runs of a scenario, for it.each. */
export function runsOf(n: number): number[] {
  return Array.from({ length: n }, (_, index) => index + 1);
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kill points. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
