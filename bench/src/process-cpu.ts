import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux build we run on). */
const TICKS_PER_SECOND = 100;

interface StatTimes {
  ppid: number;
  /** utime + stime, ticks. */
  own: number;
  /** cutime + cstime: children that exited and were waited for, ticks. */
  children: number;
}

function statTimes(pid: number): StatTimes | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // the command name (field 2) may hold spaces and parentheses: fields start after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17
  return {
    ppid: Number(fields[1]),
    own: Number(fields[11]) + Number(fields[12]),
    children: Number(fields[13]) + Number(fields[14]),
  };
}

/** CPU seconds a process has used so far (user + system). */
export function processCpuSeconds(pid: number): number {
  const times = statTimes(pid);
  if (!times) throw new Error(`process ${pid} is gone`);
  return times.own / TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far by a PostgreSQL server: the postmaster, its live children (backends,
 * checkpointer, WAL writer, autovacuum) and, through the postmaster's cutime, the children that
 * exited (a backend whose connection closed). The difference of two readings is the server's CPU
 * in between, whichever backends did the work.
 */
export function serverCpuSeconds(postmasterPid: number): number {
  const postmaster = statTimes(postmasterPid);
  if (!postmaster) throw new Error(`PostgreSQL's postmaster ${postmasterPid} is gone`);
  let ticks = postmaster.own + postmaster.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const times = statTimes(Number(entry));
    if (times?.ppid === postmasterPid) ticks += times.own + times.children;
  }
  return ticks / TICKS_PER_SECOND;
}

/** The postmaster's pid of the server at `url`, when it runs on this machine (a backend's parent). */
export async function postmasterPid(url: string): Promise<number | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    return statTimes(backend)?.ppid;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/** CPU seconds each of the processes of a run used between start() and the reading. */
export interface CpuReading {
  postgres?: number;
  inventory: number;
  plugin: number;
}

export class CpuMeter {
  private readonly start: CpuReading;

  constructor(private readonly pids: { postmaster?: number; inventory: number; plugin: number }) {
    this.start = this.now();
  }

  private now(): CpuReading {
    return {
      postgres: this.pids.postmaster === undefined ? undefined : serverCpuSeconds(this.pids.postmaster),
      inventory: processCpuSeconds(this.pids.inventory),
      plugin: processCpuSeconds(this.pids.plugin),
    };
  }

  read(): CpuReading {
    const end = this.now();
    return {
      postgres: end.postgres === undefined || this.start.postgres === undefined ? undefined : end.postgres - this.start.postgres,
      inventory: end.inventory - this.start.inventory,
      plugin: end.plugin - this.start.plugin,
    };
  }
}
