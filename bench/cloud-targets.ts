/**
 * The targets of the cloud at scale (issue 4), judged from the runs of one
 * `npm run bench:cloud`: on PostgreSQL with 200 instances, at least 20,000
 * changes/s accepted with a push p99 of at most 250 ms, and two server
 * processes faster than one; on both backends, nothing lost or duplicated.
 * A target the invocation did not run for (BENCH_BACKENDS, BENCH_PROCESSES,
 * BENCH_PACED_RATES, BENCH_INSTANCES) is "not judged", never met or missed.
 */

export const TARGET_CHANGES_PER_SECOND = 20_000;
export const TARGET_PUSH_P99_MS = 250;
export const TARGET_INSTANCES = 200;
/**
 * A paced run kept up when the cloud answered this share of the offered
 * changes per second: conflicts are answers too (the instance resolves
 * them), and a run's last answers land a little after its last interval.
 */
export const KEPT_UP_SHARE = 0.95;

/** What the verdicts read of a run (the benchmark's ScenarioResult has more). */
export interface RunFigures {
  backend: 'sqlite' | 'postgres';
  processes: number;
  offeredPerSecond: number | 'saturated';
  seconds: number;
  changesApplied: number;
  changesPerSecond: number;
  conflicts: number;
  errors: number;
  push: { p99: number };
  replicasEqualCloud: boolean;
}

export interface TargetVerdict {
  target: string;
  /** null: not judged, because no run of this invocation measures it. */
  met: boolean | null;
  figures: string;
}

type PacedRun = RunFigures & { offeredPerSecond: number };

const count = (n: number) => Math.round(n).toLocaleString('en');
const processCount = (run: RunFigures) => `${run.processes} process${run.processes > 1 ? 'es' : ''}`;
const load = (run: RunFigures) => `${processCount(run)}, ${run.offeredPerSecond === 'saturated' ? 'saturated' : `offered ${count(run.offeredPerSecond)}/s`}`;
const isPaced = (run: RunFigures): run is PacedRun => run.offeredPerSecond !== 'saturated';
/** Changes the cloud answered per second, applied or in conflict. */
const answeredPerSecond = (run: RunFigures) => (run.changesApplied + run.conflicts) / run.seconds;
const keptUp = (run: PacedRun) => run.errors === 0 && answeredPerSecond(run) >= KEPT_UP_SHARE * run.offeredPerSecond;
const notJudged = (target: string, why: string): TargetVerdict => ({ target, met: null, figures: `not judged: ${why}` });

function postgresVerdicts(postgres: RunFigures[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const fastest = postgres.reduce((best, run) => (run.changesPerSecond > best.changesPerSecond ? run : best));
  verdicts.push({
    target: `≥ ${count(TARGET_CHANGES_PER_SECOND)} changes/s accepted on PostgreSQL`,
    met: fastest.changesPerSecond >= TARGET_CHANGES_PER_SECOND,
    figures: `best ${count(fastest.changesPerSecond)} (${load(fastest)}), ${(fastest.changesPerSecond / TARGET_CHANGES_PER_SECOND).toFixed(2)}× the target`,
  });

  const paced = postgres.filter(isPaced);
  for (const run of paced) {
    const below = run.offeredPerSecond < TARGET_CHANGES_PER_SECOND ? `, below the target's ${count(TARGET_CHANGES_PER_SECOND)}/s` : '';
    verdicts.push({
      target: `push p99 ≤ ${TARGET_PUSH_P99_MS} ms at an offered ${count(run.offeredPerSecond)}/s${below}`,
      met: run.errors === 0 && run.push.p99 <= TARGET_PUSH_P99_MS,
      figures: `${count(run.push.p99)} ms, ${count(answeredPerSecond(run))} changes/s answered, ${run.errors} errors (${processCount(run)})`,
    });
  }
  // The target proper: a run offered at least the target rate that kept up with it, within the latency.
  const atTarget = paced.filter((run) => run.offeredPerSecond >= TARGET_CHANGES_PER_SECOND);
  const both = atTarget.filter((run) => keptUp(run) && run.push.p99 <= TARGET_PUSH_P99_MS);
  verdicts.push(
    atTarget.length
      ? {
          target: `both at once: ${count(TARGET_CHANGES_PER_SECOND)}/s offered and kept up with (≥ ${KEPT_UP_SHARE * 100} % answered, no errors), push p99 ≤ ${TARGET_PUSH_P99_MS} ms`,
          met: both.length > 0,
          figures: atTarget.map((run) => `${count(answeredPerSecond(run))}/s answered of ${count(run.offeredPerSecond)}/s offered, p99 ${count(run.push.p99)} ms`).join('; '),
        }
      : notJudged('both at once', `no paced run at ${count(TARGET_CHANGES_PER_SECOND)}/s or more`),
  );

  const saturated = (processes: number) => postgres.find((run) => run.processes === processes && !isPaced(run));
  const one = saturated(1);
  const two = saturated(2);
  const twoAgainstOne = 'two server processes faster than one on PostgreSQL (saturated)';
  verdicts.push(
    one && two
      ? {
          target: twoAgainstOne,
          met: two.changesPerSecond > one.changesPerSecond,
          figures: `${count(two.changesPerSecond)} against ${count(one.changesPerSecond)} changes/s, ${(two.changesPerSecond / one.changesPerSecond).toFixed(2)}×`,
        }
      : notJudged(twoAgainstOne, 'it needs a saturated run with one process and one with two'),
  );
  return verdicts;
}

export function judgeTargets(runs: RunFigures[], instances: number): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const postgres = runs.filter((run) => run.backend === 'postgres');
  if (instances !== TARGET_INSTANCES) verdicts.push(notJudged('the PostgreSQL targets', `${instances} instances, and the targets are set at ${TARGET_INSTANCES}`));
  else if (!postgres.length) verdicts.push(notJudged('the PostgreSQL targets', 'no PostgreSQL run'));
  else verdicts.push(...postgresVerdicts(postgres));
  if (runs.length) {
    const clean = runs.filter((run) => run.replicasEqualCloud && run.errors === 0).length;
    verdicts.push({
      target: 'nothing lost or duplicated (no errors, and every replica equals the cloud)',
      met: clean === runs.length,
      figures: `${clean} of ${runs.length} runs`,
    });
  }
  return verdicts;
}

/** One line per verdict, as the benchmark prints them. */
export function verdictLine(verdict: TargetVerdict): string {
  const mark = verdict.met === null ? 'not judged' : verdict.met ? 'met' : 'NOT met';
  return `  ${mark.padEnd(10)}  ${verdict.target}: ${verdict.figures}`;
}
