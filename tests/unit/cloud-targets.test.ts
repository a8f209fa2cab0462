import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeTargets, verdictLine, type RunFigures } from '../../bench/cloud-targets';

type Given = Pick<RunFigures, 'backend' | 'processes' | 'offeredPerSecond' | 'changesPerSecond'> & Partial<RunFigures>;

/** A run of 20 s whose figures agree with each other: applied = rate × seconds. */
function run({ changesPerSecond, ...given }: Given): RunFigures {
  const seconds = given.seconds ?? 20;
  return { seconds, changesApplied: changesPerSecond * seconds, changesPerSecond, conflicts: 0, errors: 0, push: { p99: 1000 }, replicasEqualCloud: true, ...given };
}

const judge = (runs: RunFigures[], instances = 200) => judgeTargets(runs, instances);
const verdictOf = (runs: RunFigures[], target: RegExp, instances = 200) => judge(runs, instances).find((v) => target.test(v.target));

// The full run at f872193 (docs/operations.md), paced runs with their conflicts.
const fullRun = [
  run({ backend: 'sqlite', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 4_508 }),
  run({ backend: 'sqlite', processes: 2, offeredPerSecond: 'saturated', changesPerSecond: 4_620 }),
  run({ backend: 'postgres', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 8_126 }),
  run({ backend: 'postgres', processes: 2, offeredPerSecond: 'saturated', changesPerSecond: 8_844 }),
  run({ backend: 'postgres', processes: 2, offeredPerSecond: 5_000, changesPerSecond: 4_870, seconds: 40.07, changesApplied: 195_153, conflicts: 4_847, push: { p99: 159.7 } }),
  run({ backend: 'postgres', processes: 2, offeredPerSecond: 20_000, changesPerSecond: 8_050, seconds: 24.5, changesApplied: 197_228, conflicts: 2_772, push: { p99: 16_065.9 } }),
];

describe('the load benchmark judges the targets of issue 4 from its runs', () => {
  it('throughput: the best PostgreSQL run against 20,000 changes/s, SQLite not counted', () => {
    const verdict = verdictOf(fullRun, /changes\/s accepted on PostgreSQL/)!;
    assert.equal(verdict.met, false);
    assert.equal(verdict.figures, 'best 8,844 (2 processes, saturated), 0.44× the target');
  });

  it('latency: each paced run on its own, a rate below the target said to be below it', () => {
    assert.deepEqual(
      judge(fullRun)
        .filter((v) => /^push p99/.test(v.target))
        .map((v) => [v.target, v.met]),
      [
        ["push p99 ≤ 250 ms at an offered 5,000/s, below the target's 20,000/s", true],
        ['push p99 ≤ 250 ms at an offered 20,000/s', false],
      ],
    );
  });

  it('both at once: a run offered 20,000/s that kept up (conflicts count as answers) within the p99', () => {
    assert.equal(verdictOf(fullRun, /both at once/)!.met, false, 'the 20,000/s run answered 8,163/s');
    // A perfect cloud at 20,000/s offered: 2.4 % of the changes answered as conflicts, the last answers a little late.
    const perfect = run({ backend: 'postgres', processes: 2, offeredPerSecond: 20_000, changesPerSecond: 19_300, seconds: 10.2, changesApplied: 196_860, conflicts: 3_140, push: { p99: 240 } });
    assert.equal(verdictOf([perfect], /both at once/)!.met, true);
    assert.equal(verdictOf([{ ...perfect, errors: 3 }], /both at once/)!.met, false, 'a run with failed pushes did not keep up');
    assert.equal(verdictOf([{ ...perfect, push: { p99: 260 } }], /both at once/)!.met, false);
    assert.equal(verdictOf(fullRun.slice(0, 5), /both at once/)!.met, null, 'no run offered 20,000/s: not judged');
  });

  it('two processes against one, on PostgreSQL, judged only when both ran', () => {
    assert.deepEqual(verdictOf(fullRun, /two server processes/), {
      target: 'two server processes faster than one on PostgreSQL (saturated)',
      met: true,
      figures: '8,844 against 8,126 changes/s, 1.09×',
    });
    const slower = [run({ backend: 'postgres', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 6_000 }), run({ backend: 'postgres', processes: 2, offeredPerSecond: 'saturated', changesPerSecond: 5_900 })];
    assert.equal(verdictOf(slower, /two server processes/)!.met, false);
    assert.equal(verdictOf(fullRun.slice(0, 3), /two server processes/)!.met, null);
  });

  it('nothing lost: every run without errors and with replicas equal to the cloud', () => {
    assert.equal(verdictOf(fullRun, /nothing lost/)!.met, true);
    const failedPush = [...fullRun.slice(0, 5), { ...fullRun[5], errors: 1 }];
    assert.deepEqual([verdictOf(failedPush, /nothing lost/)!.met, verdictOf(failedPush, /nothing lost/)!.figures], [false, '5 of 6 runs']);
    const diverged = [...fullRun.slice(0, 5), { ...fullRun[5], replicasEqualCloud: false }];
    assert.equal(verdictOf(diverged, /nothing lost/)!.met, false);
  });

  it('judges nothing of PostgreSQL for another number of instances, or without a PostgreSQL run', () => {
    const withFewer = judge(fullRun, 50);
    assert.deepEqual(withFewer.map((v) => v.met), [null, true]);
    assert.match(verdictLine(withFewer[0]), /^ {2}not judged {2}the PostgreSQL targets: not judged: 50 instances/);
    assert.deepEqual(judge(fullRun.slice(0, 2)).map((v) => [v.target, v.met]), [
      ['the PostgreSQL targets', null],
      ['nothing lost or duplicated (no errors, and every replica equals the cloud)', true],
    ]);
  });
});
