import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FailedAuthLimiter } from '../../src/cloud/failed-auth-limiter';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance } from '../support/test-instance';

describe('refused tokens are counted per client, and the count cannot be dodged', () => {
  it('addresses of one IPv6 /64 share one count', () => {
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 60_000 });
    limiter.recordFailure('2001:db8:1:2::1');
    limiter.recordFailure('2001:db8:1:2:ffff::9');
    assert.throws(() => limiter.check('2001:db8:1:2::abcd'), /too many refused tokens/);
    assert.doesNotThrow(() => limiter.check('2001:db8:1:3::1'), 'another /64');
    assert.doesNotThrow(() => limiter.check('192.0.2.1'));
  });

  it('a guesser rotating addresses costs a bounded memory', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter({ max: 5, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 30_000; i++) {
      limiter.recordFailure(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      now++;
    }
    assert.ok(limiter.size <= 10_000, `${limiter.size} addresses kept`);
  });

  it("a PC held back by its neighbours' refused tokens says its cloud's state is unknown, not that it is offline", async () => {
    const cloud = await startTestCloud({ server: { failedAuthLimits: { max: 2, windowMs: 60_000 } } });
    const pc = await startTestInstance(cloud, 'hq');
    try {
      assert.equal((await pc.app.status()).connection, 'online');
      for (let i = 0; i < 2; i++) {
        await fetch(`${cloud.url}/api/v1/sync/status`, { headers: { 'x-sitesync-protocol': '1', authorization: 'Bearer sst_not-a-real-token-000000' } });
      }
      assert.equal((await pc.app.status()).connection, 'unknown', 'the cloud answered (429): it is there, but said nothing of this PC');
    } finally {
      await pc.close();
      await cloud.stop();
    }
  });

  describe('behind a proxy (--trust-proxy)', () => {
    let cloud: TestCloud;
    before(async () => {
      cloud = await startTestCloud({ server: { trustProxy: true, failedAuthLimits: { max: 3, windowMs: 60_000 } } });
    });
    after(() => cloud.stop());

    it('counts the address the proxy appended, not what the client wrote before it', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${cloud.url}/api/v1/sync/status`, {
          headers: { 'x-sitesync-protocol': '1', authorization: 'Bearer sst_not-a-real-token-000000', 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` },
        });
        statuses.push(response.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    });
  });
});
