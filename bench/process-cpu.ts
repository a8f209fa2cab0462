import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes, from Linux's /proc, so the load benchmark can say
 * which of the machine's cores went to the load generator, the cloud's
 * server processes and PostgreSQL. Elsewhere every reading is null.
 */

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime of /proc/<pid>/stat, in seconds; null once the process is gone or off Linux. */
export function processCpuSeconds(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return null;
  }
}

/**
 * The CPU time so far of every PostgreSQL server process on this machine
 * (backends, WAL writer, autovacuum...); null when none runs here. A backend
 * that exits between two readings takes its time with it, so the benchmark
 * reads while its connections are open.
 */
export function postgresCpuSeconds(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let total: number | null = null;
  for (const pid of entries) {
    let command: string;
    try {
      command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (command !== 'postgres') continue;
    total = (total ?? 0) + (processCpuSeconds(Number(pid)) ?? 0);
  }
  return total;
}
