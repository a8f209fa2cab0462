import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the Electron binary is, or why there is none. Reads what the
 * `electron` package's install step wrote instead of require('electron'),
 * which would try to download the binary when it is missing.
 */
export function findElectronBinary(): { path: string } | { missing: string } {
  const packageDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `${pathFile} does not exist: the electron package never downloaded its binary (offline install?)` };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(base, relative);
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` };
}
