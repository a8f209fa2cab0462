import { join } from 'node:path';
import { app, BrowserWindow, Menu, safeStorage } from 'electron';
import { DesktopSession } from '../src/app/desktop-session';
import { APP_NAME, defaultDataDir } from '../src/app/paths';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { bindContract, forwardEvents } from './ipc-binding';
import { SafeStorageTokenStore } from './safe-storage-token-store';
import { createMainWindow } from './window';
import { lockDownWebContents } from './window-security';

/**
 * The Electron main process: a thin adapter. It owns the window, the
 * preload, the token's safe storage and the lifetime of one DesktopSession
 * (local database + sync workers); every decision about data is in src/app.
 */
const log = (message: string) => process.stderr.write(`[sitesync] ${message}\n`);

function installedMenu(): Menu {
  const first: Electron.MenuItemConstructorOptions = process.platform === 'darwin' ? { role: 'appMenu' } : { role: 'fileMenu' };
  return Menu.buildFromTemplate([first, { role: 'editMenu' }, { role: 'windowMenu' }]);
}

// An installed copy takes no debugging switch: one would let another program drive the window or read the
// token. The fuses (electron-builder.yml) already shut Node's --inspect and NODE_OPTIONS out; these are Chromium's.
const DEBUGGING_SWITCHES = ['remote-debugging-port', 'remote-debugging-pipe', 'inspect', 'inspect-brk'];
if (app.isPackaged && DEBUGGING_SWITCHES.some((name) => app.commandLine.hasSwitch(name))) {
  log(`refusing to start with a debugging switch (${DEBUGGING_SWITCHES.join(', ')})`);
  app.exit(1);
}

app.setName(APP_NAME);
const dataDir = defaultDataDir();
// One folder per instance: the lock below, Chromium's files and the database all live in it.
app.setPath('userData', dataDir);
registerAppScheme();
lockDownWebContents(log);

if (!app.requestSingleInstanceLock()) {
  // Another window of this instance is open: it gets focused (below) and this launch ends.
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let session: DesktopSession | null = null;
  let tokens: SafeStorageTokenStore | null = null;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.whenReady().then(async () => {
    // Without View's reload and DevTools items when installed; editing shortcuts (copy, paste, undo) stay.
    if (app.isPackaged) Menu.setApplicationMenu(installedMenu());
    const root = app.getAppPath();
    serveRenderer(join(root, 'renderer', 'dist'));
    tokens = await SafeStorageTokenStore.open(dataDir, safeStorage, log);
    if (!tokens) log('no OS key store available: the token is kept in a file only this user can read');
    session = await DesktopSession.open({ dataDir, tokenStore: tokens ?? undefined, log });
    bindContract(session, log);
    window = createMainWindow(join(root, 'assets', 'icon.png'));
    forwardEvents(session, window.webContents);
    window.on('closed', () => (window = null));
  });

  app.on('window-all-closed', () => app.quit());

  // Stop the workers (finishing the page under way) and close the database before the process ends.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !session) return;
    closing = true;
    event.preventDefault();
    void Promise.all([session.close(), tokens?.flush()]).finally(() => app.quit());
  });
}
