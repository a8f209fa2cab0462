import type { CallResult, IpcArea, IpcContract, ParsedInput } from '../contract/ipc';
import type { DesktopSession } from './desktop-session';

/** One function per contract channel; the compiler refuses a map that misses a channel or answers the wrong type. */
export type ContractHandlers = {
  [A in IpcArea]: { [N in keyof IpcContract[A]]: (input: ParsedInput<A, N>) => Promise<CallResult<A, N>> };
};

/** Binds every channel to the session and its LocalApp: the only code the renderer's calls reach. */
export function contractHandlers(session: DesktopSession): ContractHandlers {
  const { app } = session;
  return {
    devices: {
      list: ({ all }) => session.listDevices(all ?? false),
      get: ({ uuid }) => app.getDevice(uuid),
      add: ({ fields }) => app.addDevice(fields),
      edit: ({ uuid, fields }) => app.editDevice(uuid, fields),
      delete: ({ uuid }) => app.deleteDevice(uuid),
    },
    sync: {
      now: () => session.syncNow(),
      state: async () => session.workerState(),
    },
    conflicts: {
      list: ({ all }) => app.listConflicts({ all }),
      resolve: ({ id, remoteVersion, resolution }) => app.resolveConflict(id, resolution, remoteVersion),
    },
    log: {
      list: ({ limit }) => app.log(limit),
    },
    status: {
      get: () => app.status(),
    },
    enrol: {
      init: ({ cloudUrl, token }) => session.enrol(cloudUrl, token),
      demoCloud: () => session.enrolWithDemoCloud(),
    },
    settings: {
      get: () => session.settings(),
      update: (changes) => session.updateSettings(changes),
    },
  };
}
