import { z } from 'zod';
import { SYNC_FIELDS } from '../domain/device';
import { deviceFieldsPatchSchema } from '../domain/validation';
import { deviceSchema, isoTime, uuidSchema } from './device';

/**
 * The one contract between the renderer and the core (DESIGN §1). The
 * preload, the Electron IPC handlers, the browser bridge and the renderer's
 * store are all built from `ipcContract`, so a channel cannot drift from its
 * type: add a channel here and the compiler asks for its handler.
 */

/** A call's argument (one object, validated by the handler) and its answer. */
interface CallSpec<I extends z.ZodType, R extends z.ZodType> {
  input: I;
  result: R;
}

function call<I extends z.ZodType, R extends z.ZodType>(input: I, result: R): CallSpec<I, R> {
  return { input, result };
}

const noInput = z.strictObject({});
const syncedValue = z.string().nullable();
const syncedFields = z.object(Object.fromEntries(SYNC_FIELDS.map((f) => [f, syncedValue])) as Record<(typeof SYNC_FIELDS)[number], typeof syncedValue>);

/** A device as the Devices page lists it: `pending` is a local change the cloud has not accepted yet. */
export const listedDeviceSchema = deviceSchema.extend({ pending: z.boolean() });
export type ListedDevice = z.infer<typeof listedDeviceSchema>;

export const connectionSchema = z.enum(['online', 'offline', 'unauthorized', 'unknown']);

/** The status object of CONTRACT.md. */
export const statusSchema = z.object({
  role: z.literal('local'),
  siteId: z.string().nullable(),
  instanceId: z.string().nullable(),
  cloudUrl: z.string().nullable(),
  connection: connectionSchema,
  lastPushAt: isoTime.nullable(),
  lastPullAt: isoTime.nullable(),
  pendingChanges: z.number().int(),
  openConflicts: z.number().int(),
  cloud: z.object({ lastPushAt: isoTime.nullable(), lastPullAt: isoTime.nullable() }).nullable(),
  rejected: z.array(z.object({ uuid: z.string(), reason: z.string() })),
  appVersion: z.string(),
  refusal: z.string().nullable(),
  tokenProtection: z.enum(['os-key-store', 'file']),
});
export type Status = z.infer<typeof statusSchema>;

export const syncProgressSchema = z.object({ phase: z.enum(['push', 'pull']), done: z.number().int(), total: z.number().int().nullable() });

export const workerStateSchema = z.object({
  phase: z.enum(['idle', 'running', 'backoff', 'unauthorized', 'upgrade-required', 'stopped']),
  nextRunAt: z.number().nullable(),
  consecutiveFailures: z.number().int(),
  lastFailure: z.enum(['offline', 'server', 'unauthorized', 'upgrade', 'gone', 'refused']).nullable(),
  progress: syncProgressSchema.nullable(),
  /** The cloud's live stream: `open` means changes made elsewhere arrive within a second, otherwise at the next scheduled run. */
  live: z.enum(['connecting', 'open', 'down', 'stopped']),
});
export type WorkerStateView = z.infer<typeof workerStateSchema>;

/** What the desktop app shows before any worker ran: no enrolment yet. */
export const NOT_STARTED: WorkerStateView = { phase: 'stopped', nextRunAt: null, consecutiveFailures: 0, lastFailure: null, progress: null, live: 'stopped' };

const conflictSideSchema = syncedFields.extend({ deletedAt: isoTime.nullable() });
const fieldSchema = z.enum(SYNC_FIELDS);

export const conflictSchema = z.object({
  id: z.number().int(),
  deviceUuid: z.string(),
  kind: z.enum(['update', 'delete', 'identity']),
  fields: z.array(fieldSchema),
  base: syncedFields.nullable(),
  local: conflictSideSchema,
  remote: conflictSideSchema,
  remoteVersion: z.number().int(),
  detectedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  resolution: z
    .object({
      take: z.enum(['local', 'cloud', 'fields']),
      choices: z.partialRecord(fieldSchema, z.object({ from: z.enum(['local', 'cloud', 'typed']), value: z.string().nullable() })),
      resolvedBy: z.string(),
    })
    .nullable(),
});
export type ConflictView = z.infer<typeof conflictSchema>;

/** A person's decision: one side whole, or per field a side or a typed value (checked by the domain rules). */
export const resolutionSchema = z.union([
  z.strictObject({ take: z.enum(['local', 'cloud'], { error: 'expected take to be local or cloud' }) }),
  z.strictObject({
    fields: z.partialRecord(
      fieldSchema,
      z.union([z.strictObject({ from: z.enum(['local', 'cloud']) }), z.strictObject({ value: z.string().max(4000).nullable() })], {
        error: 'expected { from: "local" | "cloud" } or { value: text }',
      }),
    ),
  }),
]);
export type Resolution = z.infer<typeof resolutionSchema>;

export const syncLogRowSchema = z.object({
  id: z.number().int(),
  direction: z.enum(['push', 'pull']),
  trigger: z.enum(['manual', 'schedule', 'startup', 'live']),
  startedAt: isoTime,
  finishedAt: isoTime,
  status: z.enum(['ok', 'partial', 'error']),
  sent: z.number().int(),
  received: z.number().int(),
  applied: z.number().int(),
  conflicts: z.number().int(),
  skipped: z.number().int(),
  rejected: z.number().int(),
  error: z.string().nullable(),
});
export type SyncLogView = z.infer<typeof syncLogRowSchema>;

export const MIN_SYNC_INTERVAL_SECONDS = 10;
export const MAX_SYNC_INTERVAL_SECONDS = 24 * 60 * 60;

export const settingsSchema = z.object({
  cloudUrl: z.string().nullable(),
  syncIntervalSeconds: z.number().int(),
  /** Set while this PC runs its own demo cloud. */
  demoCloud: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

const cloudUrlInput = z.string({ error: 'expected an https:// URL' }).trim().min(1, { error: 'expected an https:// URL' }).max(2000);

export const ipcContract = {
  devices: {
    list: call(z.strictObject({ all: z.boolean().optional() }), z.array(listedDeviceSchema)),
    get: call(z.strictObject({ uuid: uuidSchema }), deviceSchema),
    add: call(z.strictObject({ fields: deviceFieldsPatchSchema }), deviceSchema),
    edit: call(z.strictObject({ uuid: uuidSchema, fields: deviceFieldsPatchSchema }), deviceSchema),
    delete: call(z.strictObject({ uuid: uuidSchema }), deviceSchema),
  },
  sync: {
    /** Asks the workers for a run; answers when a run that began after the call has finished. */
    now: call(noInput, workerStateSchema),
    state: call(noInput, workerStateSchema),
  },
  conflicts: {
    list: call(z.strictObject({ all: z.boolean().optional() }), z.array(conflictSchema)),
    /** `remoteVersion`: the cloud version shown with the conflict; if a pull brought a newer one meanwhile, the call is refused. */
    resolve: call(
      z.strictObject({
        id: z.number({ error: 'expected a conflict id' }).int().positive(),
        remoteVersion: z.number({ error: 'expected the cloud version shown with the conflict' }).int().nonnegative(),
        resolution: resolutionSchema,
      }),
      conflictSchema,
    ),
  },
  log: {
    list: call(z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }), z.array(syncLogRowSchema)),
  },
  status: {
    get: call(noInput, statusSchema),
  },
  enrol: {
    /** `sitesync init`: the site comes from the token. */
    init: call(z.strictObject({ cloudUrl: cloudUrlInput, token: z.string({ error: 'expected the enrolment token' }).trim().max(500) }), statusSchema),
    /** Starts an embedded cloud on 127.0.0.1 and enrols this PC with it, so a new user sees a sync at once. */
    demoCloud: call(noInput, statusSchema),
  },
  settings: {
    get: call(noInput, settingsSchema),
    update: call(
      z.strictObject({
        cloudUrl: cloudUrlInput.optional(),
        syncIntervalSeconds: z
          .number({ error: `expected a whole number of seconds from ${MIN_SYNC_INTERVAL_SECONDS} to ${MAX_SYNC_INTERVAL_SECONDS}` })
          .int({ error: 'expected a whole number of seconds' })
          .min(MIN_SYNC_INTERVAL_SECONDS, { error: `expected at least ${MIN_SYNC_INTERVAL_SECONDS} seconds` })
          .max(MAX_SYNC_INTERVAL_SECONDS, { error: `expected at most ${MAX_SYNC_INTERVAL_SECONDS} seconds (one day)` })
          .optional(),
      }),
      settingsSchema,
    ),
  },
} as const;

/** Pushed from the core to every window; the renderer subscribes and gets an unsubscribe function back. */
export const ipcEvents = {
  /** Worker phase, next run and progress of the current run. */
  workerState: workerStateSchema,
  /** Local data changed outside the renderer's own calls (a pull, the CLI): lists should reload. */
  dataChanged: z.object({ reason: z.enum(['sync', 'enrol']) }),
} as const;

export type IpcContract = typeof ipcContract;
export type IpcArea = keyof IpcContract;
export type IpcEvent = keyof typeof ipcEvents;
export type IpcEventPayload<E extends IpcEvent> = z.infer<(typeof ipcEvents)[E]>;

/** `devices.list`, `sync.now`, ...: the name a call travels under. */
export type IpcChannel = { [A in IpcArea]: `${A}.${keyof IpcContract[A] & string}` }[IpcArea];

/** Every channel of the contract, in a stable order. */
export function ipcChannels(): IpcChannel[] {
  return Object.entries(ipcContract).flatMap(([area, calls]) => Object.keys(calls).map((name) => `${area}.${name}` as IpcChannel));
}

export function callSpec(channel: string): CallSpec<z.ZodType, z.ZodType> | null {
  const [area, name, ...rest] = channel.split('.');
  if (rest.length || !Object.hasOwn(ipcContract, area)) return null;
  const calls = ipcContract[area as IpcArea] as Record<string, CallSpec<z.ZodType, z.ZodType>>;
  return Object.hasOwn(calls, name) ? calls[name] : null;
}

/** Electron's IPC name of a channel; the prefix keeps ours apart from anything else on ipcMain. */
export const electronChannel = (channel: string) => `sitesync:${channel}`;
export const electronEvent = (event: IpcEvent) => `sitesync-event:${event}`;

/** Why a call failed, for a person; `issues` name each bad field and the form it expects. */
export const callErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type CallError = z.infer<typeof callErrorSchema>;

/**
 * Every call answers with this envelope instead of throwing: an Error does
 * not survive Electron's IPC or JSON with its fields, the envelope does.
 */
export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: CallError };

export type CallInput<A extends IpcArea, N extends keyof IpcContract[A]> = IpcContract[A][N] extends CallSpec<infer I, z.ZodType> ? z.input<I> : never;
export type CallResult<A extends IpcArea, N extends keyof IpcContract[A]> = IpcContract[A][N] extends CallSpec<z.ZodType, infer R> ? z.infer<R> : never;
/** What a handler receives: the input after validation and normalisation. */
export type ParsedInput<A extends IpcArea, N extends keyof IpcContract[A]> = IpcContract[A][N] extends CallSpec<infer I, z.ZodType> ? z.output<I> : never;
