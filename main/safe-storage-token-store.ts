import { existsSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { FileTokenStore, type TokenStore } from '../src/app/token-store';

const mtimeOf = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/** The part of Electron's safeStorage this store uses (a test passes its own). */
export type KeyStore = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

/**
 * The instance token encrypted with the OS key store (Keychain, DPAPI,
 * libsecret/kwallet) through Electron's safeStorage. The token lives in memory
 * for the synchronous TokenStore interface and is written encrypted in the
 * background. A plain token file left by `sitesync init` in the same data dir
 * (the CLI cannot use safeStorage), when it is the newer enrolment, is
 * adopted: written encrypted, then removed, so no plain copy outlives the
 * encrypted one.
 */
export class SafeStorageTokenStore implements TokenStore {
  readonly protection = 'os-key-store';
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly keyStore: KeyStore,
    private readonly file: string,
    private readonly cliFile: FileTokenStore,
    private token: string | null,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Null when the OS offers no real key store: none at all, or Linux without
   * a keyring, where safeStorage falls back to a key built into Chromium
   * (`basic_text`) and encrypting would only pretend. The caller then keeps
   * the token in the owner-only file (where a token an earlier version
   * encrypted that way is moved, so the upgrade keeps the enrolment).
   */
  static async open(dataDir: string, keyStore: KeyStore, log: (message: string) => void): Promise<SafeStorageTokenStore | null> {
    if (!(await keyStore.isAsyncEncryptionAvailable())) return null;
    const store = new SafeStorageTokenStore(keyStore, join(dataDir, 'token.safe'), new FileTokenStore(dataDir), null, log);
    if (process.platform === 'linux' && keyStore.getSelectedStorageBackend() === 'basic_text') {
      await store.moveToOwnerOnlyFile();
      return null;
    }
    const encrypted = await store.decrypted();
    const fromCli = store.cliFile.read();
    // Both kept (an earlier version never removed the plain file): the newer enrolment wins.
    if (fromCli && (encrypted === null || mtimeOf(store.cliFile.file) > mtimeOf(store.file))) {
      store.write(fromCli);
    } else {
      store.token = encrypted;
      if (fromCli) store.persist(async () => store.cliFile.clear());
    }
    return store;
  }

  private async moveToOwnerOnlyFile(): Promise<void> {
    const token = this.cliFile.read() ?? (await this.decrypted());
    if (token) this.cliFile.write(token);
    await rm(this.file, { force: true });
  }

  /** The stored token; a file the key store cannot open (another user's keyring, a reset one) means enrolling again. */
  private async decrypted(): Promise<string | null> {
    if (!existsSync(this.file)) return null;
    try {
      return (await this.keyStore.decryptStringAsync(await readFile(this.file))).result;
    } catch (error) {
      this.log(`the stored token cannot be decrypted (${error instanceof Error ? error.message : String(error)}): enrol this instance again`);
      return null;
    }
  }

  read(): string | null {
    return this.token;
  }

  write(token: string): void {
    this.token = token;
    // The plain file goes only once the encrypted one is written.
    this.persist(async () => {
      await this.writeEncrypted(token);
      this.cliFile.clear();
    });
  }

  private async writeEncrypted(token: string): Promise<void> {
    await writeFile(this.file, await this.keyStore.encryptStringAsync(token), { mode: 0o600 });
  }

  clear(): void {
    this.token = null;
    this.cliFile.clear();
    this.persist(() => rm(this.file, { force: true }));
  }

  /** Writes happen one after another; a failure is logged, the token stays usable in memory until quit. */
  private persist(work: () => Promise<void>): void {
    this.writes = this.writes.then(work).catch((error: unknown) => this.log(`could not store the token: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Waits for the last write, so quitting right after an enrolment keeps the token. */
  flush(): Promise<void> {
    return this.writes;
  }
}
