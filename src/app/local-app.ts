import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Device } from '../domain/device';
import { isoNow, systemClock, type Clock } from '../domain/clock';
import { ValidationError } from '../domain/validation-error';
import { clearTextProblem, validCloudUrl } from '../domain/cloud-url';
import { NotFoundError } from '../domain/not-found-error';
import type { SerialAccess } from '../db/serial-access';
import { openLocalDatabase } from '../db/local/data-source';
import { countDirty, forgetCloudState, getRecord, listDevices, rejectedRecords } from '../db/local/device-store';
import { readMeta, writeMeta, type InstanceMeta } from '../db/local/meta-store';
import { outboxChangeCount } from '../db/local/push-outbox';
import type { ConflictRow } from '../db/local/entities/conflict.entity';
import type { SyncLogRow, SyncTrigger } from '../db/local/entities/sync-log.entity';
import { CloudClient } from '../sync/cloud-client';
import { closeConflictsOfFormerCloud, countOpenConflicts, listConflicts, resolveDeviceConflict, type ResolutionInput } from '../sync/conflicts';
import { pullOnce } from '../sync/pull';
import { pushOnce } from '../sync/push';
import { replacementPull } from '../sync/replacement-pull';
import { listSyncLog } from '../sync/sync-log';
import { SyncFailure } from '../sync/sync-failure';
import { subscribeLiveEvents, type LiveEvents, type LiveState } from '../sync/live-events';
import { startSyncWorkers, type SyncWorkers, type SyncWorkersConfig } from '../sync/worker';
import type { AttemptSummary, SyncContext, SyncProgress } from '../sync/sync-context';
import { addDevice, deleteDevice, editDevice } from './device-edits';
import { enrolmentRefusal } from './enrolment-refusal';
import { FileTokenStore, type TokenStore } from './token-store';
import { CA_FILE, extraCertificates } from './trusted-certificates';
import type { StatusReport } from './status-report';
import { APP_VERSION } from './version';

export interface LocalAppOptions {
  dataDir: string;
  clock?: Clock;
  tokenStore?: TokenStore;
  /** Who a conflict resolution is recorded as; the OS user by default. */
  userName?: string;
  httpTimeoutMs?: number;
  retryDelaysMs?: number[];
  /** Changes per pull request; larger pages mean fewer round trips, more memory per page. */
  pullPageSize?: number;
}

export interface LiveOptions {
  /** Follow the cloud's live events and push local changes at once (default true). */
  live?: boolean;
  onLiveState?: (state: LiveState) => void;
}

export interface SyncRequest {
  direction?: 'both' | 'push' | 'pull';
  trigger?: SyncTrigger;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
}

/** Why an enrolment at `cloudUrl` is not used, or null: its address would carry the token in clear text. */
function clearTextRefusal(cloudUrl: string): string | null {
  const problem = clearTextProblem(new URL(cloudUrl));
  return problem && `this PC is enrolled at ${cloudUrl}, and ${problem}: give it the cloud's https:// address (Settings, or \`sitesync init\`)`;
}

/** A sync asked of a data dir that was never enrolled. */
function notEnrolled(): SyncFailure {
  return new SyncFailure('unauthorized', 'this instance is not enrolled: run `sitesync init --cloud URL --token TOKEN`');
}

export interface SyncOutcome {
  push?: AttemptSummary;
  pull?: AttemptSummary;
  /** Set when the cloud could not be used at all: the worker backs off or stops on it. */
  failure?: SyncFailure['kind'];
  /** Why no attempt was made, when none was (not enrolled, or enrolled in clear text). */
  refusal?: string;
}

/**
 * The one application facade of the local role: the CLI, the Electron IPC
 * handlers and the browser bridge all call this and nothing below it.
 */
export class LocalApp {
  /** The workers started last and not stopped yet: a local change asks them to push. */
  private liveWorkers: SyncWorkers | null = null;

  private constructor(
    readonly db: SerialAccess,
    private readonly tokens: TokenStore,
    private readonly options: LocalAppOptions,
  ) {}

  static async open(options: LocalAppOptions): Promise<LocalApp> {
    const db = await openLocalDatabase(options.dataDir);
    return new LocalApp(db, options.tokenStore ?? new FileTokenStore(options.dataDir), options);
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  private now(): string {
    return isoNow(this.clock);
  }

  meta(): Promise<InstanceMeta> {
    return this.db.read(readMeta);
  }

  private client(cloudUrl: string, token: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): CloudClient {
    return new CloudClient({
      baseUrl: cloudUrl,
      token,
      timeoutMs: options.timeoutMs ?? this.options.httpTimeoutMs,
      retryDelaysMs: this.options.retryDelaysMs,
      signal: options.signal,
      extraCertificates: extraCertificates(this.options.dataDir),
    });
  }

  /** The enrolment this data dir holds: a client of its cloud, and its id, which a sync's writes check (decision 42). */
  private async enrolment(signal?: AbortSignal): Promise<Pick<SyncContext, 'client' | 'enrolmentId'>> {
    const meta = await this.meta();
    const token = this.tokens.read();
    if (!meta.cloudUrl || !meta.siteId || !token) throw notEnrolled();
    // Enrolled by a build that still took such an address: the token stays here until a new enrolment.
    const refusal = clearTextRefusal(meta.cloudUrl);
    if (refusal) throw new SyncFailure('unauthorized', refusal);
    return { client: this.client(meta.cloudUrl, token, { signal }), enrolmentId: meta.enrolmentId };
  }

  /** Enrols this data dir with the cloud; the site comes from the token. */
  async init(cloudUrl: string, token: string): Promise<StatusReport> {
    const url = validCloudUrl(cloudUrl);
    if (!/^\S{16,}$/.test(token)) throw new ValidationError([{ field: 'token', message: 'expected the token printed by `sitesync cloud enroll`' }]);
    // The cursor before the cloud's newest version: a pull beside this one only moves it up to that version,
    // so it cannot pass it in between and make the same cloud look restored from an older backup.
    const meta = await this.meta();
    const status = await this.client(url, token)
      .status()
      .catch((error: unknown) => {
        throw error instanceof SyncFailure ? enrolmentRefusal(url, error, join(this.options.dataDir, CA_FILE)) : error;
      });
    if (meta.siteId && meta.siteId !== status.instance.siteId) {
      throw new ValidationError([{ field: 'token', message: `expected a token of site ${meta.siteId}, which this data dir holds; this one is for ${status.instance.siteId}` }]);
    }
    // A new cloud or a new site starts the pull from the beginning; a re-enrolment with the same cloud keeps the
    // cursor, at any address: from 0 a purged deletion would never be answered 410 (decision 39). Without ids
    // (a cloud before schema v5) the address is all there is to compare. A cursor past the cloud's newest
    // version (a cloud restored from an older backup) would skip the versions it hands out again.
    const cloudId = status.cloudId ?? null;
    const sameCloud = meta.siteId === status.instance.siteId && (cloudId !== null && meta.cloudId !== null ? cloudId === meta.cloudId : meta.cloudUrl === url);
    const keepCursor = sameCloud && meta.pullCursor <= status.site.latestVersion;
    this.tokens.write(token);
    await this.db.write(async (tx) => {
      // A new enrolment id: a sync still running for the old enrolment writes nothing more (decision 42).
      const { siteId, instanceId } = status.instance;
      await writeMeta(tx, { cloudUrl: url, cloudId, siteId, instanceId, enrolmentId: randomUUID(), pullCursor: keepCursor ? undefined : 0 });
      // Another cloud, or one restored from a backup older than the cursor, does not hold what this data dir
      // pushed to it: every device goes to it again, and conflicts with the former values close (decision 42).
      if (!keepCursor) {
        await forgetCloudState(tx);
        await closeConflictsOfFormerCloud(tx, this.now());
      }
    });
    return this.status();
  }

  private async siteId(): Promise<string> {
    const { siteId } = await this.meta();
    if (!siteId) throw new ValidationError([{ field: 'site', message: 'expected an enrolled instance: run `sitesync init --cloud URL --token TOKEN` first' }]);
    return siteId;
  }

  async addDevice(input: unknown): Promise<Device> {
    const siteId = await this.siteId();
    return this.changedLocally(await this.db.write((tx) => addDevice(tx, siteId, input, this.now())));
  }

  async editDevice(uuid: string, input: unknown): Promise<Device> {
    return this.changedLocally(await this.db.write((tx) => editDevice(tx, uuid, input, this.now())));
  }

  async deleteDevice(uuid: string): Promise<Device> {
    return this.changedLocally(await this.db.write((tx) => deleteDevice(tx, uuid, this.now())));
  }

  async getDevice(uuid: string): Promise<Device> {
    const record = await this.db.read((r) => getRecord(r, uuid));
    if (!record) throw new NotFoundError(`no device with uuid ${uuid}`);
    return record.device;
  }

  listDevices(options: { all?: boolean } = {}): Promise<Device[]> {
    return this.db.read((r) => listDevices(r, options.all ?? false));
  }

  /** One sync now: push, then pull. */
  async sync(request: SyncRequest = {}): Promise<SyncOutcome> {
    const direction = request.direction ?? 'both';
    let enrolment: Pick<SyncContext, 'client' | 'enrolmentId'>;
    try {
      enrolment = await this.enrolment(request.signal);
    } catch (error) {
      if (error instanceof SyncFailure) return { failure: error.kind, refusal: error.message };
      throw error;
    }
    const context = { db: this.db, ...enrolment, clock: this.clock, trigger: request.trigger ?? 'manual', onProgress: request.onProgress, signal: request.signal };
    const outcome: SyncOutcome = {};
    if (direction !== 'pull') outcome.push = await pushOnce(context);
    // A pull-only run still finishes a push already made whose answer was lost: pulled first, that push's
    // own change would come back as if another PC had made it, and a newer edit here would meet it as a conflict.
    else if ((await this.db.read(outboxChangeCount)) > 0) outcome.push = await pushOnce(context, { lostOnly: true });
    // A push the cloud refused as sent does not stop the pull; an unreachable or refusing cloud does.
    const cloudUnusable = outcome.push?.failureKind !== undefined && outcome.push.failureKind !== 'refused';
    if (direction !== 'push' && !cloudUnusable) {
      outcome.pull = await pullOnce(context, this.options.pullPageSize);
      // Behind the cloud's tombstone horizon: read the whole site again, keeping local changes (DESIGN §4).
      if (outcome.pull.failureKind === 'gone') outcome.pull = await replacementPull(context, this.options.pullPageSize);
    }
    const failed = [outcome.push, outcome.pull].find((a) => a?.status === 'error');
    if (failed) outcome.failure = failed.failureKind ?? 'offline';
    return outcome;
  }

  listConflicts(options: { all?: boolean } = {}): Promise<ConflictRow[]> {
    return this.db.read((r) => listConflicts(r, options.all ?? false));
  }

  /** `remoteVersion`: the cloud version the decision was made against; a conflict that moved past it is refused. */
  async resolveConflict(id: number, input: ResolutionInput, remoteVersion?: number): Promise<ConflictRow> {
    const resolvedBy = this.options.userName ?? userInfo().username;
    return this.changedLocally(await this.db.write((tx) => resolveDeviceConflict(tx, id, input, { now: this.now(), resolvedBy, remoteVersion })));
  }

  log(limit = 50): Promise<SyncLogRow[]> {
    return this.db.read((r) => listSyncLog(r, limit));
  }

  /** Stores the id the cloud at `cloudUrl` gave, unless an enrolment changed the cloud or its id meanwhile. */
  private adoptCloudId(cloudUrl: string, cloudId: string): Promise<void> {
    return this.db.write(async (tx) => {
      const meta = await readMeta(tx);
      if (meta.cloudUrl === cloudUrl && meta.cloudId === null) await writeMeta(tx, { cloudId });
    });
  }

  /** Diagnostics; asks the cloud for its view when enrolled (a short timeout keeps it quick offline). */
  async status(): Promise<StatusReport> {
    const meta = await this.meta();
    const local = await this.db.read(async (r) => ({
      pendingChanges: await countDirty(r),
      openConflicts: await countOpenConflicts(r),
      lastPush: (await listSyncLog(r, 1, 'push', true))[0] ?? null,
      lastPull: (await listSyncLog(r, 1, 'pull', true))[0] ?? null,
      rejected: await rejectedRecords(r),
    }));
    let connection: StatusReport['connection'] = 'unknown';
    let cloud: StatusReport['cloud'] = null;
    const token = this.tokens.read();
    // An enrolment in clear text is not used (enrolment()): this PC must enrol again.
    const refusal = meta.cloudUrl && token ? clearTextRefusal(meta.cloudUrl) : null;
    if (refusal) connection = 'unauthorized';
    else if (meta.cloudUrl && token) {
      try {
        const remote = await this.client(meta.cloudUrl, token, { timeoutMs: 3000 }).status();
        connection = 'online';
        // A data dir enrolled before clouds had ids learns its cloud's here, so a later move keeps its cursor.
        if (meta.cloudId === null && remote.cloudId !== undefined) await this.adoptCloudId(meta.cloudUrl, remote.cloudId);
        cloud = { lastPushAt: remote.instance.lastPushAt, lastPullAt: remote.instance.lastPullAt };
      } catch (error) {
        // Offline only when nothing answered: a cloud that answered 429 or 5xx is there but said nothing of this PC.
        connection = !(error instanceof SyncFailure) || error.status === undefined ? 'offline' : error.kind === 'unauthorized' ? 'unauthorized' : 'unknown';
      }
    }
    return {
      role: 'local',
      siteId: meta.siteId,
      instanceId: meta.instanceId,
      cloudUrl: meta.cloudUrl,
      connection,
      lastPushAt: local.lastPush?.finishedAt ?? null,
      lastPullAt: local.lastPull?.finishedAt ?? null,
      pendingChanges: local.pendingChanges,
      openConflicts: local.openConflicts,
      cloud,
      rejected: local.rejected,
      appVersion: APP_VERSION,
      refusal,
      tokenProtection: this.tokens.protection,
    };
  }

  /**
   * Starts the push and pull workers of this instance (DESIGN §6); the caller stops them on quit.
   * `onOutcome` hears each run's result, e.g. so a window reloads what a pull changed.
   * Unless `live` is false they also follow the cloud's live events (DESIGN §4, live).
   */
  startWorkers(options: Omit<SyncWorkersConfig, 'role' | 'run'> & LiveOptions & { onOutcome?: (outcome: SyncOutcome) => void } = {}): SyncWorkers {
    const { onOutcome, live = true, onLiveState, ...config } = options;
    let events: LiveEvents | null = null;
    // Read before each run: an enrolment made during a refused run then still counts as new.
    let enrolmentOfLastRun: string | null = null;
    let lastRunFailed = false;
    const workers = startSyncWorkers({
      ...config,
      role: 'local',
      enrolmentChanged: async () => (await this.meta()).enrolmentId !== enrolmentOfLastRun,
      run: async (trigger, onProgress, signal) => {
        enrolmentOfLastRun = (await this.meta()).enrolmentId;
        const outcome = await this.sync({ trigger, onProgress, signal });
        // The cloud is back after a failure: its stream need not wait out the rest of its back-off. Not after
        // every run: a stream the cloud keeps ending (an instance's streams over its limit) would reconnect at once
        // and start the next run, in a loop.
        if (!outcome.failure && lastRunFailed) events?.reconnectNow();
        lastRunFailed = outcome.failure !== undefined;
        onOutcome?.(outcome);
        return outcome;
      },
    })!;
    if (!live) return workers;
    // Live sync: a change elsewhere is pulled at once (the cloud's events), a change here is pushed at once.
    let liveState: LiveState = 'connecting';
    const stream = subscribeLiveEvents({
      open: async (signal) => (await this.enrolment()).client.events(signal),
      onChange: () => void workers.trigger('live'),
      onState: (state) => {
        // A stream that was open and broke: whether the cloud is gone or only the stream, a run tells at once
        // (and the app says Offline now, not at the next scheduled run).
        if (liveState === 'open' && state === 'down') void workers.trigger('live');
        liveState = state;
        onLiveState?.(state);
      },
      log: config.log,
    });
    events = stream;
    const handle: SyncWorkers = {
      ...workers,
      stop: async () => {
        if (this.liveWorkers === handle) this.liveWorkers = null;
        await stream.stop();
        await workers.stop();
      },
    };
    this.liveWorkers = handle;
    return handle;
  }

  /** With live workers running, a local change goes to the cloud now rather than at the next scheduled run. */
  private changedLocally<T>(result: T): T {
    void this.liveWorkers?.trigger('live');
    return result;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
