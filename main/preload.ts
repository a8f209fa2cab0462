import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildSiteSyncApi } from '../src/contract/ipc-client';
import { electronChannel, electronEvent } from '../src/contract/ipc';

/**
 * Exposes `window.sitesync` and nothing else: one function per contract
 * channel, built from the contract map. ipcRenderer itself never reaches the
 * page, and listeners get the payload, never the IPC event. Bundled to one
 * CommonJS file (the sandbox lets a preload require only `electron`).
 */
contextBridge.exposeInMainWorld(
  'sitesync',
  buildSiteSyncApi({
    invoke: (channel, input) => ipcRenderer.invoke(electronChannel(channel), input),
    subscribe(event, listener) {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(electronEvent(event), forward);
      return () => ipcRenderer.removeListener(electronEvent(event), forward);
    },
  }),
);
