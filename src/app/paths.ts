import { homedir } from 'node:os';
import { join } from 'node:path';

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
