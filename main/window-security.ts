import { app, session, type WebContents } from 'electron';
import { isAppUrl } from './app-protocol';

/**
 * The security decisions of the main process, in one place (Electron's
 * security checklist): no navigation away from the renderer, no new windows,
 * no webviews, no permissions. Links never reach shell.openExternal.
 */
export function lockDownWebContents(log: (message: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) {
        event.preventDefault();
        log(`blocked navigation to ${url}`);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      log(`blocked a new window for ${url}`);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}
