import { BRIDGE_SOCKET_PATH, type BridgeMessage } from '../../src/contract/bridge';
import { buildSiteSyncApi, type SiteSyncApi } from '../../src/contract/ipc-client';
import type { CallOutcome, IpcEvent } from '../../src/contract/ipc';

const DISCONNECTED: CallOutcome<never> = {
  ok: false,
  error: { code: 'disconnected', message: 'Lost the connection to `sitesync ui`. Start it again and open the address it prints.' },
};

/**
 * `window.sitesync` in a plain browser: the same API as Electron's preload,
 * carried over the WebSocket that `sitesync ui` serves beside this page.
 */
export function connectBridge(pageUrl: string): SiteSyncApi {
  const url = new URL(BRIDGE_SOCKET_PATH, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  const socket = new WebSocket(url);
  const pending = new Map<number, (outcome: CallOutcome<unknown>) => void>();
  const listeners = new Map<IpcEvent, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;
  const opened = new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as BridgeMessage;
    if ('id' in message) {
      pending.get(message.id)?.(message.outcome);
      pending.delete(message.id);
    } else {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  });
  socket.addEventListener('close', () => {
    closed = true;
    for (const resolve of pending.values()) resolve(DISCONNECTED);
    pending.clear();
  });

  return buildSiteSyncApi({
    async invoke(channel, input) {
      if (!closed) await Promise.race([opened, new Promise((resolve) => socket.addEventListener('close', resolve, { once: true }))]);
      if (closed) return DISCONNECTED;
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, channel, input }));
      });
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  });
}
