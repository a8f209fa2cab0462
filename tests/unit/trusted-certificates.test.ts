import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CA_FILE, extraCertificates } from '../../src/app/trusted-certificates';
import { tempDir } from '../support/temp-dir';

const pem = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;

describe("a private CA in the data dir's ca.pem", () => {
  let dir: ReturnType<typeof tempDir>;
  const before = process.env.NODE_EXTRA_CA_CERTS;
  beforeEach(() => {
    dir = tempDir('sitesync-ca-');
    delete process.env.NODE_EXTRA_CA_CERTS;
  });
  afterEach(() => {
    dir.remove();
    if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = before;
  });

  it('changes nothing when the file is missing, empty, or holds no certificate', () => {
    assert.equal(extraCertificates(dir.path), undefined);
    for (const content of ['', '\n', 'not a certificate']) {
      writeFileSync(join(dir.path, CA_FILE), content);
      assert.equal(extraCertificates(dir.path), undefined, JSON.stringify(content));
    }
  });

  it("is trusted with the certificates NODE_EXTRA_CA_CERTS names, which a CA list of one's own would otherwise drop", () => {
    writeFileSync(join(dir.path, CA_FILE), pem('company'));
    assert.deepEqual(extraCertificates(dir.path), [pem('company')]);
    writeFileSync(join(dir.path, 'extra.pem'), pem('from-the-environment'));
    process.env.NODE_EXTRA_CA_CERTS = join(dir.path, 'extra.pem');
    assert.deepEqual(extraCertificates(dir.path), [pem('company'), pem('from-the-environment')]);
    for (const unreadable of [dir.path, join(dir.path, 'missing.pem')]) {
      process.env.NODE_EXTRA_CA_CERTS = unreadable;
      assert.deepEqual(extraCertificates(dir.path), [pem('company')], `NODE_EXTRA_CA_CERTS=${unreadable} is ignored, as Node does`);
    }
  });
});
