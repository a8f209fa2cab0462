import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const APP_NAME = 'SiteSync';

/**
 * Where the desktop app keeps its data (Electron's userData for "SiteSync"),
 * so the CLI finds the same database by default. SITESYNC_DATA_DIR wins.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SITESYNC_DATA_DIR) return env.SITESYNC_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/**
 * The built renderer (`vite build` output) of this package, found by walking
 * up from this file, so it works from src/ (tsx) and from dist/ alike.
 */
export function builtRendererDir(from: string = __dirname): string | null {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'renderer', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}
