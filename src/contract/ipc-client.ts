import {
  ipcContract,
  type CallInput,
  type CallOutcome,
  type CallResult,
  type IpcArea,
  type IpcChannel,
  type IpcContract,
  type IpcEvent,
  type IpcEventPayload,
} from './ipc';

/** `window.sitesync`: one async method per contract channel, grouped by area, and event subscriptions. */
export type SiteSyncApi = {
  readonly [A in IpcArea]: {
    readonly [N in keyof IpcContract[A]]: (input: CallInput<A, N>) => Promise<CallOutcome<CallResult<A, N>>>;
  };
} & {
  /** Returns the unsubscribe function; the listener gets the payload only, never a transport event object. */
  on<E extends IpcEvent>(event: E, listener: (payload: IpcEventPayload<E>) => void): () => void;
};

/** How calls and events travel: Electron IPC in the preload, a WebSocket in the browser bridge. */
export interface IpcTransport {
  invoke(channel: IpcChannel, input: unknown): Promise<CallOutcome<unknown>>;
  subscribe(event: IpcEvent, listener: (payload: unknown) => void): () => void;
}

/** Builds `window.sitesync` from the contract map, so the preload and the bridge client expose the same thing. */
export function buildSiteSyncApi(transport: IpcTransport): SiteSyncApi {
  const areas = Object.fromEntries(
    Object.entries(ipcContract).map(([area, calls]) => [
      area,
      Object.fromEntries(Object.keys(calls).map((name) => [name, (input: unknown) => transport.invoke(`${area}.${name}` as IpcChannel, input)])),
    ]),
  );
  const on = (event: IpcEvent, listener: (payload: unknown) => void) => transport.subscribe(event, listener);
  // Built by walking the map, so its static type is the map's, asserted once here.
  return { ...areas, on } as unknown as SiteSyncApi;
}
