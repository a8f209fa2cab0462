/**
 * The targets of the cloud at scale (issue 4), judged from the runs of one
 * `npm run bench:cloud`: on PostgreSQL, at least 20,000 changes/s accepted
 * with a push p99 of at most 250 ms at 200 instances, and two server
 * processes faster than one; on both backends, nothing lost or duplicated.
 * A verdict is given only for what the invocation ran (BENCH_BACKENDS,
 * BENCH_PROCESSES and BENCH_PACED_RATES filter the runs).
 */

export const TARGET_CHANGES_PER_SECOND = 20_000;
export const TARGET_PUSH_P99_MS = 250;

/** What the verdicts read of a run (the benchmark's ScenarioResult has more). */
export interface RunFigures {
  backend: 'sqlite' | 'postgres';
  processes: number;
  offeredPerSecond: number | 'saturated';
  changesPerSecond: number;
  push: { p99: number };
  replicasEqualCloud: boolean;
}

export interface TargetVerdict {
  target: string;
  met: boolean;
  figures: string;
}

const count = (n: number) => Math.round(n).toLocaleString('en');
const processes = (run: RunFigures) => `${run.processes} process${run.processes > 1 ? 'es' : ''}`;
const load = (run: RunFigures) => `${processes(run)}, ${run.offeredPerSecond === 'saturated' ? 'saturated' : `offered ${count(run.offeredPerSecond)}/s`}`;

export function judgeTargets(runs: RunFigures[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const postgres = runs.filter((run) => run.backend === 'postgres');
  if (postgres.length) {
    const fastest = postgres.reduce((best, run) => (run.changesPerSecond > best.changesPerSecond ? run : best));
    verdicts.push({
      target: `≥ ${count(TARGET_CHANGES_PER_SECOND)} changes/s accepted on PostgreSQL`,
      met: fastest.changesPerSecond >= TARGET_CHANGES_PER_SECOND,
      figures: `best ${count(fastest.changesPerSecond)} (${load(fastest)}), ${(fastest.changesPerSecond / TARGET_CHANGES_PER_SECOND).toFixed(2)}× the target`,
    });
    for (const run of postgres.filter((r) => r.offeredPerSecond !== 'saturated')) {
      verdicts.push({
        target: `push p99 ≤ ${TARGET_PUSH_P99_MS} ms at an offered ${count(run.offeredPerSecond as number)}/s`,
        met: run.push.p99 <= TARGET_PUSH_P99_MS,
        figures: `${count(run.push.p99)} ms, ${count(run.changesPerSecond)} changes/s accepted (${processes(run)})`,
      });
    }
    const both = postgres.filter((run) => run.changesPerSecond >= TARGET_CHANGES_PER_SECOND && run.push.p99 <= TARGET_PUSH_P99_MS);
    verdicts.push({
      target: 'both at once, in one PostgreSQL run',
      met: both.length > 0,
      figures: both.length ? both.map(load).join('; ') : 'no run reached both',
    });
    const saturated = (processes: number) => postgres.find((run) => run.processes === processes && run.offeredPerSecond === 'saturated');
    const one = saturated(1);
    const two = saturated(2);
    if (one && two) {
      verdicts.push({
        target: 'two server processes faster than one on PostgreSQL (saturated)',
        met: two.changesPerSecond > one.changesPerSecond,
        figures: `${count(two.changesPerSecond)} against ${count(one.changesPerSecond)} changes/s, ${(two.changesPerSecond / one.changesPerSecond).toFixed(2)}×`,
      });
    }
  }
  if (runs.length) {
    const equal = runs.filter((run) => run.replicasEqualCloud).length;
    verdicts.push({ target: 'nothing lost or duplicated (every replica equals the cloud)', met: equal === runs.length, figures: `${equal} of ${runs.length} runs` });
  }
  return verdicts;
}
