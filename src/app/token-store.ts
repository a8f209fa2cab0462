import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TokenProtection = 'os-key-store' | 'file';

/** Where the instance token is kept. The desktop app wraps it with Electron's safeStorage. */
export interface TokenStore {
  /** Encrypted with the OS's key store, or in a file only this user can read (shown on Diagnostics). */
  readonly protection: TokenProtection;
  read(): string | null;
  write(token: string): void;
  clear(): void;
}

/** The token in a file only its owner can read, beside the database. */
export class FileTokenStore implements TokenStore {
  readonly protection = 'file';
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'token');
  }

  read(): string | null {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8').trim() || null : null;
  }

  write(token: string): void {
    writeFileSync(this.file, token, { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
