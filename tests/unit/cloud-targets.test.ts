import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeTargets, type RunFigures } from '../../bench/cloud-targets';

function run(figures: Partial<RunFigures> & Pick<RunFigures, 'backend' | 'processes' | 'offeredPerSecond' | 'changesPerSecond'>, p99 = 1000): RunFigures {
  return { push: { p99 }, replicasEqualCloud: true, ...figures };
}

const verdictOf = (runs: RunFigures[], target: RegExp) => judgeTargets(runs).find((v) => target.test(v.target));

describe('the load benchmark judges the targets of issue 4 from its runs', () => {
  const fullRun = [
    run({ backend: 'sqlite', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 4_508 }),
    run({ backend: 'sqlite', processes: 2, offeredPerSecond: 'saturated', changesPerSecond: 4_620 }),
    run({ backend: 'postgres', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 8_126 }),
    run({ backend: 'postgres', processes: 2, offeredPerSecond: 'saturated', changesPerSecond: 8_844 }),
    run({ backend: 'postgres', processes: 2, offeredPerSecond: 5_000, changesPerSecond: 4_870 }, 159.7),
    run({ backend: 'postgres', processes: 2, offeredPerSecond: 20_000, changesPerSecond: 8_050 }, 16_065.9),
  ];

  it('throughput: the best PostgreSQL run against 20,000 changes/s, SQLite not counted', () => {
    const verdict = verdictOf(fullRun, /changes\/s accepted on PostgreSQL/)!;
    assert.equal(verdict.met, false);
    assert.equal(verdict.figures, 'best 8,844 (2 processes, saturated), 0.44× the target');
  });

  it('latency: each paced run on its own, and both targets only when one run meets them together', () => {
    assert.deepEqual(
      judgeTargets(fullRun)
        .filter((v) => /p99/.test(v.target))
        .map((v) => [v.target, v.met]),
      [
        ['push p99 ≤ 250 ms at an offered 5,000/s', true],
        ['push p99 ≤ 250 ms at an offered 20,000/s', false],
      ],
    );
    assert.equal(verdictOf(fullRun, /both at once/)!.met, false, '20,000/s saturated and 250 ms at 5,000/s are two runs');
    const fastEnough = run({ backend: 'postgres', processes: 2, offeredPerSecond: 20_000, changesPerSecond: 20_100 }, 240);
    assert.equal(verdictOf([fastEnough], /both at once/)!.met, true);
  });

  it('two processes against one, on PostgreSQL, only when both ran', () => {
    assert.equal(verdictOf(fullRun, /two server processes/)!.figures, '8,844 against 8,126 changes/s, 1.09×');
    assert.equal(verdictOf(fullRun, /two server processes/)!.met, true);
    const slower = [run({ backend: 'postgres', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 6_000 }), run({ backend: 'postgres', processes: 2, offeredPerSecond: 'saturated', changesPerSecond: 5_900 })];
    assert.equal(verdictOf(slower, /two server processes/)!.met, false);
    assert.equal(verdictOf(fullRun.slice(0, 3), /two server processes/), undefined, 'one PostgreSQL process only: no verdict');
  });

  it('a run whose replicas differ from the cloud fails the no-loss target', () => {
    assert.equal(verdictOf(fullRun, /nothing lost/)!.met, true);
    const lossy = [...fullRun, run({ backend: 'sqlite', processes: 1, offeredPerSecond: 'saturated', changesPerSecond: 1, replicasEqualCloud: false })];
    assert.deepEqual([verdictOf(lossy, /nothing lost/)!.met, verdictOf(lossy, /nothing lost/)!.figures], [false, '6 of 7 runs']);
  });
});
