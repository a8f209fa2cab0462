import { z } from 'zod';
import { closedObject } from '../domain/closed-object';
import { SYNC_FIELDS, type SyncField } from '../domain/device';
import { isoTime, remoteDeviceSchema, uuidSchema } from './device';

/** Sent as `X-SiteSync-Protocol` on every request. Bump on a breaking change of the wire format. */
export const PROTOCOL_VERSION = 1;
export const PROTOCOL_HEADER = 'x-sitesync-protocol';
export const APP_VERSION_HEADER = 'x-sitesync-app-version';

export const MAX_PUSH_BATCH = 1000;

/**
 * `GET /events` writes at least this often (a comment line when nothing
 * happens): proxies never see an idle stream (many cut at 60 s), and a
 * client can tell a silent stream is a dead one.
 */
export const EVENTS_KEEP_ALIVE_MS = 25_000;
export const MAX_PULL_LIMIT = 5000;

/**
 * One change in a push. Field values are checked here only for type and size;
 * the cloud then applies the domain rules to each change on its own, so one
 * bad record is rejected without failing the batch.
 */
export const pushChangeSchema = closedObject({
  uuid: z.string().max(64),
  baseVersion: z.number().int().positive().nullable(),
  fields: closedObject(Object.fromEntries(SYNC_FIELDS.map((f) => [f, z.string().max(4000).nullable().optional()])) as Record<SyncField, z.ZodOptional<z.ZodNullable<z.ZodString>>>),
  deletedAt: z.string().max(40).nullable(),
  updatedAt: z.string().max(40),
});
export type PushChange = z.infer<typeof pushChangeSchema>;

export const pushRequestSchema = closedObject({
  batchId: uuidSchema,
  changes: z.array(pushChangeSchema).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResultSchema = z.object({
  uuid: z.string(),
  status: z.enum(['applied', 'conflict', 'rejected']),
  version: z.number().int().positive().optional(),
  current: remoteDeviceSchema.optional(),
  reason: z.string().optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.object({
  results: z.array(pushResultSchema),
  applied: z.number().int(),
  conflicts: z.number().int(),
  rejected: z.number().int(),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** A query parameter holding a whole number in decimal digits: an empty `since=` or `0x2` is refused, not read as 0 or 2. */
function wholeNumberParam(error: string, min: number, max: number) {
  return z
    .string({ error })
    .regex(/^\d{1,15}$/, { error })
    .transform(Number)
    .pipe(z.number().min(min, { error }).max(max, { error }));
}

export const pullQuerySchema = closedObject({
  since: wholeNumberParam('expected a whole number >= 0', 0, Number.MAX_SAFE_INTEGER).default(0),
  limit: wholeNumberParam(`expected a whole number from 1 to ${MAX_PULL_LIMIT}`, 1, MAX_PULL_LIMIT).default(1000),
});

export const pullResponseSchema = z.object({
  changes: z.array(remoteDeviceSchema),
  cursor: z.number().int().min(0),
  hasMore: z.boolean(),
  /** The site's newest version when the page was read: lets a client show progress. */
  latestVersion: z.number().int().min(0),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** The cloud's view of one enrolled instance (ConnectedSite), as the status endpoint and `cloud sites` show it. */
export const connectedSiteSchema = z.object({
  instanceId: z.string(),
  siteId: z.string(),
  name: z.string().nullable(),
  createdAt: isoTime,
  lastPushAt: isoTime.nullable(),
  lastPullAt: isoTime.nullable(),
  lastSeenAt: isoTime.nullable(),
  lastIp: z.string().nullable(),
  appVersion: z.string().nullable(),
  pushCount: z.number().int(),
  pullCount: z.number().int(),
  changesApplied: z.number().int(),
  lastError: z.string().nullable(),
  revokedAt: isoTime.nullable(),
});
export type ConnectedSiteView = z.infer<typeof connectedSiteSchema>;

export const statusResponseSchema = z.object({
  /** The cloud's own id, the same at every address (absent from clouds before schema v5). */
  cloudId: z.string().min(1).max(64).optional(),
  serverTime: isoTime,
  protocol: z.number().int(),
  instance: connectedSiteSchema,
  site: z.object({ siteId: z.string(), devices: z.number().int(), liveDevices: z.number().int(), latestVersion: z.number().int() }),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;
