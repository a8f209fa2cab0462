import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeIp } from '../../src/domain/ip';
import { MAC_RE, normalizeMac } from '../../src/domain/mac';
import { requireIdentity, validateFieldsPatch } from '../../src/domain/validation';
import { ValidationError } from '../../src/domain/validation-error';
import { emptyFields } from '../../src/domain/device';
import { isoTime } from '../../src/contract/device';
import { validCloudUrl } from '../../src/domain/cloud-url';

describe('normalizeIp', () => {
  const good: [string, string][] = [
    ['192.168.1.20', '192.168.1.20'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['fe80::1', 'fe80::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::FFFF:c000:0201', '::ffff:192.0.2.1'],
  ];
  for (const [input, expected] of good) it(`accepts ${JSON.stringify(input)} as ${expected}`, () => assert.equal(normalizeIp(input), expected));

  const bad = ['010.0.0.1', '10.00.0.1', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.-4', '0x7f.0.0.1', '3232235777', '', 'localhost', '1::2::3', '2001:db8::g', 'fe80::1%eth0', '12345::', '1.2.3.4/24'];
  for (const input of bad) it(`refuses ${JSON.stringify(input)}`, () => assert.equal(normalizeIp(input), null));
});

describe('MAC_RE and normalizeMac', () => {
  const good: [string, string][] = [
    ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
    ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
    ['AaBb.CcDd.EeFf', 'aa:bb:cc:dd:ee:ff'],
    ['aabbccddeeff', 'aa:bb:cc:dd:ee:ff'],
    ['00:1A:2b:3C:4d:5E', '00:1a:2b:3c:4d:5e'],
    [' 00-00-5e-00-53-01 ', '00:00:5e:00:53:01'],
  ];
  for (const [input, expected] of good) {
    it(`accepts ${JSON.stringify(input)} as ${expected}`, () => {
      assert.ok(MAC_RE.test(input.trim()));
      assert.equal(normalizeMac(input), expected);
    });
  }
  const bad = ['aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:ff:00', 'aa-bb:cc-dd:ee-ff', 'aa:bb:cc:dd:ee:gg', 'aabb.ccdd.eef', 'aabbccddeef', 'aabb.ccdd:eeff', 'a:b:c:d:e:f', '', 'aa bb cc dd ee ff'];
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.equal(MAC_RE.test(input), false);
      assert.equal(normalizeMac(input), null);
    });
  }
});

describe('validateFieldsPatch', () => {
  it('normalises every field and turns empty strings into null', () => {
    assert.deepEqual(validateFieldsPatch({ mac: 'AABB.CCDD.EEFF', ip: '2001:DB8::1', hostname: ' sw-1.lan ', status: 'Spare', location: '' }), {
      mac: 'aa:bb:cc:dd:ee:ff',
      ip: '2001:db8::1',
      hostname: 'sw-1.lan',
      status: 'spare',
      location: null,
    });
  });

  it('changes only the fields named', () => {
    assert.deepEqual(validateFieldsPatch({ notes: 'line 1\nline 2' }), { notes: 'line 1\nline 2' });
  });

  it('takes characters beyond the BMP (surrogate pairs)', () => {
    assert.deepEqual(validateFieldsPatch({ notes: 'rack \u{1F5A5} \ud83d\ude00', vendor: '\u{20BB7}' }), { notes: 'rack \u{1F5A5} \ud83d\ude00', vendor: '\u{20BB7}' });
  });

  const refusals: [Record<string, unknown>, string, RegExp][] = [
    [{ mac: 'zz:zz' }, 'mac', /expected a MAC address like aa:bb:cc:dd:ee:ff/],
    [{ ip: '010.1.1.1' }, 'ip', /no leading zeros/],
    [{ hostname: 'bad_host!' }, 'hostname', /expected a host name/],
    [{ status: 'broken' }, 'status', /expected one of active, spare, maintenance, retired, lost/],
    [{ assetTag: 'x'.repeat(65) }, 'assetTag', /at most 64 characters/],
    [{ location: 'a\tb' }, 'location', /on one line, without tabs, line breaks or other control characters/],
    [{ notes: 'bell \u0007 here' }, 'notes', /without control characters \(line breaks are fine\)/],
    [{ notes: 'bad \ud800 surrogate' }, 'notes', /expected well-formed Unicode text: .*lone UTF-16 surrogate/],
    [{ assetTag: 'A-\udc00' }, 'assetTag', /lone UTF-16 surrogate/],
    [{ location: '\ude00\ud83d' }, 'location', /lone UTF-16 surrogate/],
    [{ mac: 42 }, 'mac', /expected a MAC address/],
    [{ colour: 'red' }, '(body)', /unknown field\(s\) colour/],
  ];
  for (const [input, field, message] of refusals) {
    it(`refuses ${JSON.stringify(input).slice(0, 40)} naming ${field}`, () => {
      assert.throws(
        () => validateFieldsPatch(input),
        (error: unknown) => error instanceof ValidationError && error.issues.some((i) => i.field === field && message.test(i.message)),
      );
    });
  }

  it('names every bad field at once', () => {
    assert.throws(
      () => validateFieldsPatch({ mac: 'x', ip: 'y' }),
      (error: unknown) => error instanceof ValidationError && error.issues.map((i) => i.field).join() === 'mac,ip',
    );
  });

  it('requires a MAC address or an asset tag', () => {
    assert.throws(() => requireIdentity(emptyFields()), /mac: expected a MAC address or an asset tag/);
    assert.doesNotThrow(() => requireIdentity({ ...emptyFields(), assetTag: 'A-1' }));
  });
});

describe('isoTime', () => {
  const good: [string, string][] = [
    ['2026-01-31T12:00:00.000Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:00.5Z', '2026-01-31T12:00:00.500Z'],
    ['2026-01-01T00:00:00.1234567890123456789Z', '2026-01-01T00:00:00.123Z'],
    // Dropped, not rounded: a time never moves into the next second, minute or year.
    ['2025-12-31T23:59:59.9999999Z', '2025-12-31T23:59:59.999Z'],
  ];
  for (const [input, expected] of good) it(`takes ${input} as ${expected}`, () => assert.equal(isoTime.parse(input), expected));

  const bad = ['2026-01-31T12:00:00+01:00', '2026-01-31 12:00:00Z', '2026-02-30T00:00:00Z', '2026-01-31T12:00Z', '2026-01-31', 'yesterday'];
  for (const input of bad) it(`refuses ${input}`, () => assert.equal(isoTime.safeParse(input).success, false));
});

describe('validCloudUrl', () => {
  it('takes https anywhere, and plain http only to this machine itself', () => {
    for (const [given, kept] of [
      ['https://sitesync.example.com/', 'https://sitesync.example.com'],
      ['https://10.0.0.5:8443', 'https://10.0.0.5:8443'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['http://127.8.9.10', 'http://127.8.9.10'],
      ['http://[::1]:9000/', 'http://[::1]:9000'],
      ['http://localhost:3000', 'http://localhost:3000'],
    ]) {
      assert.equal(validCloudUrl(given), kept, given);
    }
  });

  it('refuses plain http across a network, naming the field and why', () => {
    for (const given of ['http://10.0.0.5:8080', 'http://sitesync.example.com', 'http://[::ffff:10.0.0.5]', 'http://127.0.0.1.example.com']) {
      assert.throws(
        () => validCloudUrl(given),
        (error: unknown) => error instanceof ValidationError && error.issues[0].field === 'cloud' && /the token would cross the network in clear text/.test(error.message),
        given,
      );
    }
  });

  it('refuses what is not an http(s) URL', () => {
    for (const given of ['sitesync.example.com', 'ftp://sitesync.example.com', '']) {
      assert.throws(() => validCloudUrl(given), /^ValidationError: cloud: expected an https:\/\/ URL like https:\/\/sitesync\.example\.com$/, given);
    }
  });
});
