import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { COMPRESSION_THRESHOLD_BYTES, PullAnswerWriter, pullAnswerEncoding } from '../../src/cloud/pull-answer';
import type { PullPage } from '../../src/cloud/read-pull';

/** A page of `count` device JSON texts whose notes hold `notes`. */
function pageOf(count: number, notes: string, cursor = count): PullPage {
  const changeJson = Array.from({ length: count }, (_, i) => JSON.stringify({ uuid: `device-${i}`, notes, version: i + 1 }));
  return { changeJson, cursor, hasMore: false, latestVersion: cursor };
}

const expectedJson = (page: PullPage) =>
  JSON.stringify({ changes: page.changeJson.map((json) => JSON.parse(json)), cursor: page.cursor, hasMore: page.hasMore, latestVersion: page.latestVersion });

describe('a pull answer is the page as CONTRACT.md sends it, in the encoding asked for', () => {
  it('multi-byte text survives exactly, also when the page outgrows the reused buffer', () => {
    // Snowmen and a surrogate pair: more bytes than characters; 800 of them make a page far past the first 64 kB.
    const page = pageOf(800, 'Büro ☃☃☃ 🛰 '.repeat(10));
    const answer = new PullAnswerWriter().write(page, 'identity');
    assert.equal(answer.encoding, 'identity');
    assert.ok(answer.body.length > 64 * 1024, `the page is ${answer.body.length} bytes`);
    assert.equal(answer.body.toString('utf8'), expectedJson(page));
  });

  it('a smaller page after a larger one carries nothing of the larger', () => {
    const writer = new PullAnswerWriter();
    const large = writer.write(pageOf(500, 'x'.repeat(200)), 'identity').body;
    const smallPage = pageOf(3, 'short', 9);
    const small = writer.write(smallPage, 'identity').body;
    assert.equal(small.toString('utf8'), expectedJson(smallPage));
    assert.ok(large.toString('utf8').startsWith('{"changes":[{"uuid":"device-0","notes":"xxx'), 'an answer already handed out is not overwritten');
  });

  it('brotli and gzip answers inflate to the same JSON', () => {
    const page = pageOf(300, 'rack 4, shelf 2');
    const writer = new PullAnswerWriter();
    const br = writer.write(page, 'br');
    const gzip = writer.write(page, 'gzip');
    assert.equal(br.encoding, 'br');
    assert.equal(gzip.encoding, 'gzip');
    assert.equal(brotliDecompressSync(br.body).toString('utf8'), expectedJson(page));
    assert.equal(gunzipSync(gzip.body).toString('utf8'), expectedJson(page));
  });

  it('an answer under the threshold travels as it is, whatever was accepted', () => {
    const page = pageOf(0, '', 42);
    const answer = new PullAnswerWriter().write(page, 'br');
    assert.ok(answer.body.length < COMPRESSION_THRESHOLD_BYTES);
    assert.equal(answer.encoding, 'identity');
    assert.deepEqual(JSON.parse(answer.body.toString('utf8')), { changes: [], cursor: 42, hasMore: false, latestVersion: 42 });
  });
});

describe('the encoding follows the Accept-Encoding header', () => {
  for (const [header, expected] of [
    ['br, gzip', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.9', 'gzip'],
    ['deflate', 'identity'],
    ['identity', 'identity'],
    ['', 'identity'],
    [undefined, 'identity'],
  ] as const) {
    it(`${header === undefined ? 'no header' : `"${header}"`}: ${expected}`, () => {
      assert.equal(pullAnswerEncoding(header), expected);
    });
  }
});
