import type { ListedDevice, Settings, Status, WorkerStateView, IpcEvent, IpcEventPayload } from '../contract/ipc';
import { NOT_STARTED } from '../contract/ipc';
import type { Device } from '../domain/device';
import { ValidationError } from '../domain/validation-error';
import type { SyncWorkers } from '../sync/worker';
import type { LiveState } from '../sync/live-events';
import { startDemoCloud, type DemoCloud } from './demo-cloud';
import { DesktopSettingsFile } from './desktop-settings';
import { LocalApp, type SyncOutcome } from './local-app';
import { pendingDevices } from './pending-devices';
import { FileTokenStore, type TokenStore } from './token-store';

export interface DesktopSessionOptions {
  dataDir: string;
  /** The Electron app passes one backed by safeStorage; the browser bridge uses the CLI's file. */
  tokenStore?: TokenStore;
  log?: (message: string) => void;
}

type Listener<E extends IpcEvent> = (payload: IpcEventPayload<E>) => void;

/** True when a run moved anything, so open windows reload their lists. */
function changedData(outcome: SyncOutcome): boolean {
  return [outcome.push, outcome.pull].some((a) => a !== undefined && a.sent + a.received + a.applied + a.conflicts + a.rejected > 0);
}

/**
 * What a running desktop UI needs around the LocalApp facade: its sync
 * workers (restarted on enrolment and when the interval changes), its
 * preferences, the optional demo cloud, and events for open windows. The
 * Electron main process and `sitesync ui` each hold one.
 */
export class DesktopSession {
  private workers: SyncWorkers | null = null;
  private liveState: LiveState = 'stopped';
  private demoCloud: DemoCloud | null = null;
  private readonly listeners = new Map<IpcEvent, Set<Listener<never>>>();

  private constructor(
    readonly app: LocalApp,
    private readonly tokens: TokenStore,
    private readonly settingsFile: DesktopSettingsFile,
    private readonly dataDir: string,
    private readonly log: (message: string) => void,
  ) {}

  static async open(options: DesktopSessionOptions): Promise<DesktopSession> {
    const tokens = options.tokenStore ?? new FileTokenStore(options.dataDir);
    const app = await LocalApp.open({ dataDir: options.dataDir, tokenStore: tokens });
    const session = new DesktopSession(app, tokens, new DesktopSettingsFile(options.dataDir), options.dataDir, options.log ?? (() => {}));
    await session.resume();
    return session;
  }

  /** Brings back the demo cloud this PC is enrolled with, then starts syncing if enrolled. */
  private async resume(): Promise<void> {
    const { demoCloudPort } = this.settingsFile.read();
    const { cloudUrl } = await this.app.meta();
    if (demoCloudPort !== null && cloudUrl === `http://127.0.0.1:${demoCloudPort}`) {
      try {
        this.demoCloud = await startDemoCloud(this.dataDir, demoCloudPort);
      } catch (error) {
        // The app still works offline; diagnostics will show the cloud as unreachable.
        this.log(`demo cloud not restarted on port ${demoCloudPort}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.restartWorkers();
  }

  private async stopWorkers(): Promise<void> {
    await this.workers?.stop();
    this.workers = null;
  }

  private async restartWorkers(): Promise<void> {
    await this.stopWorkers();
    const meta = await this.app.meta();
    if (!meta.siteId || !this.tokens.read()) {
      this.emit('workerState', NOT_STARTED);
      return;
    }
    this.liveState = 'connecting';
    this.workers = this.app.startWorkers({
      intervalMs: this.settingsFile.read().syncIntervalSeconds * 1000,
      log: this.log,
      onOutcome: (outcome) => {
        if (changedData(outcome)) this.emit('dataChanged', { reason: 'sync' });
      },
      onLiveState: (state) => {
        this.liveState = state;
        this.emit('workerState', this.workerState());
      },
    });
    this.workers.subscribe(() => this.emit('workerState', this.workerState()));
    this.emit('workerState', this.workerState());
  }

  on<E extends IpcEvent>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  private emit<E extends IpcEvent>(event: E, payload: IpcEventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<E>)(payload);
  }

  workerState(): WorkerStateView {
    return this.workers ? { ...this.workers.state(), live: this.liveState } : NOT_STARTED;
  }

  /** Sync now: joins the workers' single flight, so a click during a run queues one more, never a second at once. */
  async syncNow(): Promise<WorkerStateView> {
    if (!this.workers) throw new ValidationError([{ field: 'enrolment', message: 'expected an enrolled PC: enrol with a cloud URL and token first' }]);
    await this.workers.trigger('manual');
    return this.workerState();
  }

  /** The devices, each marked pending or not; a deletion the cloud does not have yet stays listed, marked, until it does. */
  async listDevices(all: boolean): Promise<ListedDevice[]> {
    const pending = await pendingDevices(this.app.db);
    const devices = await this.app.listDevices({ all });
    const listed = devices.map((device) => ({ ...device, pending: pending.uuids.has(device.uuid) }));
    if (all || pending.deletions.length === 0) return listed;
    // Merged into the list's own order (SQLite's: created, then uuid, compared as bytes), where each device stood before
    // its deletion: only the few deletions are sorted, never the whole list.
    const before = (a: Device, b: Device) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.uuid < b.uuid);
    const deletions = pending.deletions.map((device) => ({ ...device, pending: true })).sort((a, b) => (before(a, b) ? -1 : 1));
    const merged: ListedDevice[] = [];
    for (const device of listed) {
      while (deletions.length && before(deletions[0], device)) merged.push(deletions.shift()!);
      merged.push(device);
    }
    return [...merged, ...deletions];
  }

  async enrol(cloudUrl: string, token: string): Promise<Status> {
    const status = await this.enrolWithWorkersStopped(() => this.app.init(cloudUrl, token));
    if (this.demoCloud && status.cloudUrl !== this.demoCloud.url) await this.stopDemoCloud();
    return status;
  }

  /** Runs a cloud on this PC and enrols with it: the quickest way to see SiteSync work. */
  async enrolWithDemoCloud(): Promise<Status> {
    if (!this.demoCloud) {
      this.demoCloud = await startDemoCloud(this.dataDir, this.settingsFile.read().demoCloudPort ?? 0);
      this.settingsFile.update({ demoCloudPort: this.demoCloud.port });
    }
    const { url } = this.demoCloud;
    const token = await this.demoCloud.enroll();
    return this.enrolWithWorkersStopped(() => this.app.init(url, token));
  }

  /**
   * The run under way ends (its current page or batch written) before the
   * enrolment changes, and the workers start again afterwards, with the new
   * enrolment or, when it failed, the old one (decision 42).
   */
  private async enrolWithWorkersStopped(init: () => Promise<Status>): Promise<Status> {
    await this.stopWorkers();
    let status: Status;
    try {
      status = await init();
    } finally {
      await this.restartWorkers();
    }
    this.emit('dataChanged', { reason: 'enrol' });
    return status;
  }

  private async stopDemoCloud(): Promise<void> {
    await this.demoCloud?.stop();
    this.demoCloud = null;
    this.settingsFile.update({ demoCloudPort: null });
  }

  async settings(): Promise<Settings> {
    const { cloudUrl } = await this.app.meta();
    return {
      cloudUrl,
      syncIntervalSeconds: this.settingsFile.read().syncIntervalSeconds,
      demoCloud: this.demoCloud !== null && cloudUrl === this.demoCloud.url,
    };
  }

  /** A new cloud URL keeps this PC's token (the server moved); a new interval restarts the schedule. */
  async updateSettings(changes: { cloudUrl?: string; syncIntervalSeconds?: number }): Promise<Settings> {
    const current = await this.settings();
    if (changes.cloudUrl !== undefined && changes.cloudUrl !== current.cloudUrl) {
      const token = this.tokens.read();
      if (!token) throw new ValidationError([{ field: 'cloudUrl', message: 'expected an enrolled PC: enrol with a cloud URL and a token first' }]);
      // The stored token only follows the cloud on its own host (new port, path, or https): a page that could
      // name any host could hand the token to anyone. Another server means enrolling again with its token.
      if (hostOf(changes.cloudUrl) !== hostOf(current.cloudUrl)) {
        throw new ValidationError([{ field: 'cloudUrl', message: `expected an address on ${hostOf(current.cloudUrl)}; for another server, use Enrol again with a token from it` }]);
      }
      // Nor in clear text once it has travelled encrypted.
      if (protocolOf(current.cloudUrl) === 'https:' && protocolOf(changes.cloudUrl) !== 'https:') {
        throw new ValidationError([{ field: 'cloudUrl', message: 'expected an https:// address: the token does not leave https for plain http' }]);
      }
      // Nor to another port over plain http: no certificate proves who listens there, and on a shared machine
      // it can be another user's program (plain http is only ever this machine, validCloudUrl).
      if (protocolOf(changes.cloudUrl) === 'http:' && parsed(changes.cloudUrl)?.port !== parsed(current.cloudUrl)?.port) {
        throw new ValidationError([
          { field: 'cloudUrl', message: `expected port ${parsed(current.cloudUrl)?.port || 80} over plain http: the token follows the cloud to another port only over https; otherwise use Enrol again` },
        ]);
      }
      await this.enrol(changes.cloudUrl, token);
    }
    if (changes.syncIntervalSeconds !== undefined && changes.syncIntervalSeconds !== current.syncIntervalSeconds) {
      this.settingsFile.update({ syncIntervalSeconds: changes.syncIntervalSeconds });
      await this.restartWorkers();
    }
    return this.settings();
  }

  /** Stops the workers (finishing the current page), the demo cloud, then the database. */
  async close(): Promise<void> {
    await this.workers?.stop();
    this.workers = null;
    await this.demoCloud?.stop();
    this.demoCloud = null;
    await this.app.close();
  }
}

function parsed(url: string | null): URL | null {
  try {
    return url === null ? null : new URL(url);
  } catch {
    return null;
  }
}

function hostOf(url: string | null): string | null {
  return parsed(url)?.hostname.toLowerCase() ?? null;
}

function protocolOf(url: string | null): string | null {
  return parsed(url)?.protocol ?? null;
}
