import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { ProgressLine } from '../../src/cli/progress-line';

const REWRITE = '\r\x1b[2K';

/** A terminal `columns` wide that keeps what is written to it. */
function terminal(columns?: number) {
  const written: string[] = [];
  return { written, stream: Object.assign({ write: (text: string) => written.push(text) > 0 }, { columns }) as unknown as NodeJS.WritableStream };
}

describe('the progress line of `sitesync sync` at a terminal', () => {
  it('rewrites one line in place and clears it at the end', () => {
    const { written, stream } = terminal(120);
    const line = new ProgressLine(stream, 'https://sitesync.example.com');
    line.update({ phase: 'push', done: 3000, total: 100000 });
    line.update({ phase: 'pull', done: 10, total: null });
    line.end();
    assert.deepEqual(written, [`${REWRITE}push: 3,000 of 100,000`, `${REWRITE}pull: 10`, REWRITE]);
  });

  it('is cut to the width of the terminal, since a wrapped line cannot be cleared in place', () => {
    const { written, stream } = terminal(20);
    const line = new ProgressLine(stream, 'https://sitesync.example.com');
    line.update({ phase: 'push', done: 12345, total: 100000 });
    line.end();
    assert.equal(written[0], `${REWRITE}push: 12,345 of 100`);
  });

  it('says it waits for the cloud after two seconds without news, and writes nothing when there was none to give', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const quiet = terminal(200);
      new ProgressLine(quiet.stream, 'https://sitesync.example.com').end();
      mock.timers.tick(5000);
      assert.deepEqual(quiet.written, []);

      const slow = terminal(200);
      const line = new ProgressLine(slow.stream, 'https://sitesync.example.com');
      line.update({ phase: 'push', done: 1000, total: 5000 });
      mock.timers.tick(2000);
      assert.equal(slow.written.at(-1), `${REWRITE}push: 1,000 of 5,000, waiting for the cloud at https://sitesync.example.com…`);
      line.end();
    } finally {
      mock.timers.reset();
    }
  });
});
