import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { RENDERER_URL } from './app-protocol';

/** The one window: sandboxed, isolated, no Node, the preload's contract as its only bridge. */
export function createMainWindow(iconPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'SiteSync',
    icon: iconPath,
    show: false,
    backgroundColor: '#f4f6fa',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // No console in an installed copy: "paste this into DevTools" could enrol the app with anyone's cloud.
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(RENDERER_URL);
  return window;
}
