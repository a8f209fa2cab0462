import { create } from 'zustand';
import {
  NOT_STARTED,
  type ConflictView,
  type ListedDevice,
  type Resolution,
  type Settings,
  type Status,
  type SyncLogView,
  type WorkerStateView,
} from '../../src/contract/ipc';
import type { DeviceFieldsPatch } from '../../src/domain/validation';
import { CallFailure, sitesync, unwrap } from './sitesync';

export type Page = 'devices' | 'conflicts' | 'diagnostics' | 'settings';

export interface Notice {
  kind: 'error' | 'success';
  text: string;
}

interface AppState {
  /** False until the first status answer: nothing is drawn before we know whether this PC is enrolled. */
  ready: boolean;
  page: Page;
  status: Status | null;
  worker: WorkerStateView;
  devices: ListedDevice[];
  devicesLoaded: boolean;
  conflicts: ConflictView[];
  log: SyncLogView[];
  settings: Settings | null;
  notice: Notice | null;
  /** The bridge or IPC is gone: every call would fail, so say so once. */
  disconnected: boolean;

  go(page: Page): void;
  notify(notice: Notice | null): void;
  start(): Promise<void>;
  refreshStatus(): Promise<void>;
  refreshDevices(): Promise<void>;
  refreshConflicts(): Promise<void>;
  refreshLog(): Promise<void>;
  refreshSettings(): Promise<void>;
  refreshAll(): Promise<void>;
  syncNow(): Promise<void>;
  enrol(cloudUrl: string, token: string): Promise<void>;
  enrolWithDemoCloud(): Promise<void>;
  addDevice(fields: DeviceFieldsPatch): Promise<ListedDevice>;
  editDevice(uuid: string, fields: DeviceFieldsPatch): Promise<void>;
  deleteDevice(uuid: string): Promise<void>;
  resolveConflict(conflict: ConflictView, resolution: Resolution): Promise<void>;
  updateSettings(changes: { cloudUrl?: string; syncIntervalSeconds?: number }): Promise<void>;
}

/**
 * The renderer's state: what the core last told us, refreshed after our own
 * changes and whenever the core announces a sync run or a data change.
 * Every call goes through `window.sitesync` (the contract) and nothing else.
 */
export const useApp = create<AppState>()((set, get) => {
  /** Runs a call for a button: a failure becomes the page's notice instead of an unhandled rejection. */
  const guarded = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (error instanceof CallFailure && error.error.code === 'disconnected') set({ disconnected: true });
      else set({ notice: { kind: 'error', text: error instanceof Error ? error.message : String(error) } });
    }
  };

  return {
    ready: false,
    page: 'devices',
    status: null,
    worker: NOT_STARTED,
    devices: [],
    devicesLoaded: false,
    conflicts: [],
    log: [],
    settings: null,
    notice: null,
    disconnected: false,

    go: (page) => set({ page, notice: null }),
    notify: (notice) => set({ notice }),

    async start() {
      sitesync.on('workerState', (worker) => {
        const wasRunning = get().worker.phase === 'running';
        set({ worker });
        // A finished run changes last push/pull, pending counts and the attempts list.
        if (wasRunning && worker.phase !== 'running') void Promise.all([get().refreshStatus(), get().refreshLog()]);
      });
      sitesync.on('dataChanged', () => void get().refreshAll());
      await guarded(async () => {
        const [status, worker] = await Promise.all([unwrap(sitesync.status.get({})), unwrap(sitesync.sync.state({}))]);
        set({ status, worker, ready: true });
        if (status.siteId) await get().refreshAll();
      });
    },

    refreshStatus: () => guarded(async () => set({ status: await unwrap(sitesync.status.get({})) })),
    refreshDevices: () => guarded(async () => set({ devices: await unwrap(sitesync.devices.list({})), devicesLoaded: true })),
    refreshConflicts: () => guarded(async () => set({ conflicts: await unwrap(sitesync.conflicts.list({})) })),
    refreshLog: () => guarded(async () => set({ log: await unwrap(sitesync.log.list({ limit: 100 })) })),
    refreshSettings: () => guarded(async () => set({ settings: await unwrap(sitesync.settings.get({})) })),
    async refreshAll() {
      await Promise.all([get().refreshStatus(), get().refreshDevices(), get().refreshConflicts(), get().refreshLog(), get().refreshSettings()]);
    },

    syncNow: () =>
      guarded(async () => {
        const worker = await unwrap(sitesync.sync.now({}));
        set({ worker });
        await get().refreshAll();
        if (worker.lastFailure) return set({ notice: { kind: 'error', text: failureText(worker) } });
        set({ notice: { kind: 'success', text: afterSyncText(get().status) } });
      }),

    /** Enrolment errors belong to the form that sent them, so these two throw instead of setting a notice. */
    async enrol(cloudUrl, token) {
      const status = await unwrap(sitesync.enrol.init({ cloudUrl, token }));
      set({ status, page: 'devices', notice: { kind: 'success', text: `Enrolled with site ${status.siteId}.` } });
      await get().refreshAll();
    },
    async enrolWithDemoCloud() {
      const status = await unwrap(sitesync.enrol.demoCloud({}));
      set({ status, page: 'devices', notice: { kind: 'success', text: 'A demo cloud is running on this PC, and this PC is enrolled with it.' } });
      await get().refreshAll();
    },

    async addDevice(fields) {
      const device = await unwrap(sitesync.devices.add({ fields }));
      await Promise.all([get().refreshDevices(), get().refreshStatus()]);
      return { ...device, pending: true };
    },
    async editDevice(uuid, fields) {
      await unwrap(sitesync.devices.edit({ uuid, fields }));
      await Promise.all([get().refreshDevices(), get().refreshStatus()]);
    },
    deleteDevice: (uuid) =>
      guarded(async () => {
        await unwrap(sitesync.devices.delete({ uuid }));
        set({ notice: { kind: 'success', text: 'Device deleted on this PC. It stays listed, struck through, until the cloud has the deletion.' } });
        await Promise.all([get().refreshDevices(), get().refreshStatus()]);
      }),

    async resolveConflict(conflict, resolution) {
      try {
        await unwrap(sitesync.conflicts.resolve({ id: conflict.id, remoteVersion: conflict.remoteVersion, resolution }));
      } catch (failure) {
        if (!(failure instanceof CallFailure)) throw failure;
        if (failure.issueFor('remoteVersion')) {
          // The cloud's values changed while the person was deciding: show the new ones (a fresh resolver) and say why.
          set({ notice: { kind: 'error', text: 'The cloud changed this device while you were deciding. Its new values are shown: decide again.' } });
        } else if (failure.issueFor('id')) {
          // Closed meanwhile: both sides came to agree (decision 48), or it was resolved beside the app.
          set({ notice: { kind: 'success', text: 'This conflict was settled meanwhile: both sides now agree, or it was resolved elsewhere.' } });
        } else {
          throw failure;
        }
        await get().refreshAll();
        return;
      }
      set({ notice: { kind: 'success', text: 'Conflict resolved. The device’s row says Synced once the cloud has the result.' } });
      await get().refreshAll();
    },

    async updateSettings(changes) {
      const settings = await unwrap(sitesync.settings.update(changes));
      set({ settings, notice: { kind: 'success', text: 'Settings saved.' } });
      await get().refreshStatus();
    },
  };
});

/** What a finished run leaves for the person at the PC: nothing, conflicts to decide, or changes still to send. */
function afterSyncText(status: Status | null): string {
  const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
  if (status?.openConflicts) return `Sync finished. ${plural(status.openConflicts, 'conflict')} wait${status.openConflicts === 1 ? 's' : ''} for you under Conflicts.`;
  if (status?.pendingChanges) return `Sync finished. ${plural(status.pendingChanges, 'change')} still wait${status.pendingChanges === 1 ? 's' : ''} to be sent: see Diagnostics.`;
  return 'Sync finished: this PC and the cloud are up to date.';
}

/** What a failed run means for the person at the PC. */
export function failureText(worker: WorkerStateView): string {
  switch (worker.lastFailure) {
    case 'offline':
      return 'The cloud cannot be reached. Changes are kept on this PC and sent when it is back.';
    case 'server':
      return 'The cloud had a problem. SiteSync will try again shortly.';
    case 'unauthorized':
      return 'The cloud no longer accepts this PC. Enrol it again in Settings.';
    case 'upgrade':
      return 'The cloud needs a newer version of SiteSync. Please update the app.';
    case 'gone':
      return 'This PC was offline too long; it will re-sync from the cloud, keeping local changes.';
    case 'refused':
      return 'The cloud refused the request. See Diagnostics for details.';
    default:
      return '';
  }
}
