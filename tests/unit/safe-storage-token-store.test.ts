import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SafeStorageTokenStore, type KeyStore } from '../../main/safe-storage-token-store';
import { FileTokenStore } from '../../src/app/token-store';
import { tempDir } from '../support/temp-dir';

/** A key store that "encrypts" reversibly and can be told which backend it is or to refuse a file. */
function fakeKeyStore(options: { available?: boolean; backend?: ReturnType<KeyStore['getSelectedStorageBackend']> } = {}): KeyStore {
  return {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptStringAsync: async (text) => Buffer.from(`sealed:${Buffer.from(text).toString('base64')}`),
    decryptStringAsync: async (sealed) => {
      const text = sealed.toString();
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: Buffer.from(text.slice('sealed:'.length), 'base64').toString(), shouldReEncrypt: false };
    },
  };
}

describe('the desktop token store (OS key store through safeStorage)', () => {
  let dir: { path: string; remove: () => void };
  let logged: string[];
  const log = (line: string) => logged.push(line);

  beforeEach(() => {
    dir = tempDir('sitesync-tokens-');
    logged = [];
  });
  afterEach(() => dir.remove());

  it('adopts a token `sitesync init` left in a plain file: encrypted, then the plain copy is gone', async () => {
    new FileTokenStore(dir.path).write('token-from-the-cli-0123456789');
    const store = (await SafeStorageTokenStore.open(dir.path, fakeKeyStore(), log))!;
    assert.equal(store.read(), 'token-from-the-cli-0123456789');
    assert.equal(store.protection, 'os-key-store', 'what Diagnostics shows');
    await store.flush();
    assert.equal(existsSync(join(dir.path, 'token')), false, 'no plain copy left');
    assert.match(readFileSync(join(dir.path, 'token.safe'), 'utf8'), /^sealed:/);
    assert.doesNotMatch(readFileSync(join(dir.path, 'token.safe'), 'utf8'), /token-from-the-cli/);

    const reopened = (await SafeStorageTokenStore.open(dir.path, fakeKeyStore(), log))!;
    assert.equal(reopened.read(), 'token-from-the-cli-0123456789');
  });

  it('keeps the plain file when the encrypted copy cannot be written, and says so', async () => {
    new FileTokenStore(dir.path).write('token-from-the-cli-0123456789');
    const failing: KeyStore = { ...fakeKeyStore(), encryptStringAsync: async () => Promise.reject(new Error('keyring locked')) };
    const store = (await SafeStorageTokenStore.open(dir.path, failing, log))!;
    await store.flush();
    assert.equal(store.read(), 'token-from-the-cli-0123456789');
    assert.equal(new FileTokenStore(dir.path).read(), 'token-from-the-cli-0123456789', 'the only stored copy is not removed');
    assert.match(logged.join('\n'), /could not store the token: keyring locked/);
  });

  it('a token file the key store cannot open means enrolling again, not a window that never opens', async () => {
    writeFileSync(join(dir.path, 'token.safe'), 'sealed by another keyring');
    const store = (await SafeStorageTokenStore.open(dir.path, fakeKeyStore(), log))!;
    assert.equal(store.read(), null);
    assert.match(logged.join('\n'), /cannot be decrypted .*enrol this instance again/);
    assert.equal(existsSync(join(dir.path, 'token.safe')), true, 'kept: the keyring may be back next start');
  });

  it('no key store, or the built-in key of a Linux without keyring, is no key store: the caller keeps the owner-only file', async () => {
    assert.equal(await SafeStorageTokenStore.open(dir.path, fakeKeyStore({ available: false }), log), null);
    const builtIn = await SafeStorageTokenStore.open(dir.path, fakeKeyStore({ backend: 'basic_text' }), log);
    assert.equal(builtIn === null, process.platform === 'linux');
  });
  it('an upgrade finding both files keeps the newer enrolment and removes the plain copy', async () => {
    /** Writes the CLI's plain token, makes `older` the older file, and opens the store as the app would. */
    const openBeside = async (plainToken: string, older: 'token' | 'token.safe') => {
      new FileTokenStore(dir.path).write(plainToken);
      utimesSync(join(dir.path, older), new Date('2026-01-01'), new Date('2026-01-01'));
      const store = (await SafeStorageTokenStore.open(dir.path, fakeKeyStore(), log))!;
      await store.flush();
      return store;
    };
    writeFileSync(join(dir.path, 'token.safe'), await fakeKeyStore().encryptStringAsync('token-enrolled-in-the-app-000000'));
    assert.equal((await openBeside('older-token-from-the-cli-0000000', 'token')).read(), 'token-enrolled-in-the-app-000000');
    assert.equal(existsSync(join(dir.path, 'token')), false);

    assert.equal((await openBeside('newer-token-from-the-cli-0000000', 'token.safe')).read(), 'newer-token-from-the-cli-0000000');
    assert.equal(existsSync(join(dir.path, 'token')), false);
  });

  it('a token an earlier version sealed with the built-in key moves to the owner-only file, so the PC stays enrolled', { skip: process.platform !== 'linux' && 'basic_text is a Linux backend' }, async () => {
    writeFileSync(join(dir.path, 'token.safe'), await fakeKeyStore().encryptStringAsync('token-sealed-with-basic-text-000'));
    assert.equal(await SafeStorageTokenStore.open(dir.path, fakeKeyStore({ backend: 'basic_text' }), log), null);
    assert.equal(new FileTokenStore(dir.path).read(), 'token-sealed-with-basic-text-000');
    assert.equal(existsSync(join(dir.path, 'token.safe')), false);
  });
});
