import { ipcMain, type WebContents } from 'electron';
import { ContractDispatcher } from '../src/app/contract-dispatcher';
import { contractHandlers } from '../src/app/contract-handlers';
import type { DesktopSession } from '../src/app/desktop-session';
import { electronChannel, electronEvent, ipcChannels, ipcEvents, type IpcEvent } from '../src/contract/ipc';
import { isAppUrl } from './app-protocol';

/**
 * The one loop that binds every contract channel to the app facade. The
 * dispatcher checks the sender frame (our renderer's origin only) and the
 * arguments (the channel's zod schema) before any handler runs.
 */
export function bindContract(session: DesktopSession, log: (message: string) => void): () => void {
  const dispatcher = new ContractDispatcher(contractHandlers(session), isAppUrl, log);
  for (const channel of ipcChannels()) {
    ipcMain.handle(electronChannel(channel), (event, input: unknown) => dispatcher.dispatch(channel, input, event.senderFrame?.url ?? null));
  }
  return () => ipcChannels().forEach((channel) => ipcMain.removeHandler(electronChannel(channel)));
}

/** Forwards the session's events to a window for as long as it lives. */
export function forwardEvents(session: DesktopSession, contents: WebContents): void {
  const unsubscribes = (Object.keys(ipcEvents) as IpcEvent[]).map((event) =>
    session.on(event, (payload) => {
      if (!contents.isDestroyed()) contents.send(electronEvent(event), payload);
    }),
  );
  contents.once('destroyed', () => unsubscribes.forEach((unsubscribe) => unsubscribe()));
}
