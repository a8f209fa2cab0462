import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import { FileTokenStore, type TokenStore } from '../src/app/token-store';

/**
 * The instance token encrypted with the OS key store (Keychain, DPAPI,
 * libsecret/kwallet) through Electron's safeStorage. The token lives in memory
 * for the synchronous TokenStore interface and is written encrypted in the
 * background. A plain token file left by `sitesync init` in the same data
 * dir is still read (the CLI cannot use safeStorage), but this app only ever
 * writes the encrypted one.
 */
export class SafeStorageTokenStore implements TokenStore {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly cliFile: FileTokenStore,
    private token: string | null,
    private readonly log: (message: string) => void,
  ) {}

  /** Null when the OS offers no key store (e.g. Linux without a keyring): the caller falls back to the file. */
  static async open(dataDir: string, log: (message: string) => void): Promise<SafeStorageTokenStore | null> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return null;
    const file = join(dataDir, 'token.safe');
    const cliFile = new FileTokenStore(dataDir);
    const token = existsSync(file) ? (await safeStorage.decryptStringAsync(await readFile(file))).result : cliFile.read();
    return new SafeStorageTokenStore(file, cliFile, token, log);
  }

  read(): string | null {
    return this.token;
  }

  write(token: string): void {
    this.token = token;
    this.persist(async () => writeFile(this.file, await safeStorage.encryptStringAsync(token), { mode: 0o600 }));
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
