import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { isoTime, uuidSchema } from '../contract/device';
import type { PushChange, PushRequest, PushResponse, PushResult } from '../contract/sync-http';
import { TOMBSTONE_FIELDS, pickFields, sameFields, tombstoneFields, type DeviceFields } from '../domain/device';
import { requireIdentity, validateFieldsPatch } from '../domain/validation';
import { ValidationError } from '../domain/validation-error';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { loadDecisionRecords } from './decision-records';
import { lockSite } from './site-versions';
import { announceVersion } from './version-feed';
import { UuidClaimedElsewhere, writeVersioned } from './write-versioned';

interface ValidChange {
  uuid: string;
  fields: DeviceFields;
  deletedAt: string | null;
  updatedAt: string;
}

/** The cloud never trusts a client: every change passes the same rules as the UI's form. Times come out in their one stored form. */
function validateChange(change: PushChange): ValidChange {
  const issues = [];
  if (!uuidSchema.safeParse(change.uuid).success) issues.push({ field: 'uuid', message: 'expected a UUID' });
  // undefined: not a valid time.
  const updatedAt = isoTime.safeParse(change.updatedAt).data;
  if (updatedAt === undefined) issues.push({ field: 'updatedAt', message: 'expected an ISO-8601 UTC time' });
  const deletedAt = change.deletedAt === null ? null : isoTime.safeParse(change.deletedAt).data;
  if (deletedAt === undefined) issues.push({ field: 'deletedAt', message: 'expected an ISO-8601 UTC time or null' });
  if (change.deletedAt !== null) {
    const extra = Object.keys(change.fields).filter((f) => !(TOMBSTONE_FIELDS as readonly string[]).includes(f));
    if (extra.length) issues.push({ field: extra[0], message: 'expected a stripped tombstone: only mac and assetTag' });
  }
  if (issues.length || updatedAt === undefined || deletedAt === undefined) throw new ValidationError(issues);
  const fields = pickFields(validateFieldsPatch(change.fields));
  requireIdentity(fields);
  return { uuid: change.uuid.toLowerCase(), fields: deletedAt === null ? fields : tombstoneFields(fields), deletedAt, updatedAt };
}

function sameContent(current: RemoteDevice, change: ValidChange): boolean {
  return (current.deletedAt === null) === (change.deletedAt === null) && sameFields(pickFields(current), change.fields);
}

/** Decides each change of a batch against the cloud's current record (DESIGN §4, push). */
async function decide(db: CloudDatabase, tx: EntityManager, siteId: string, changes: PushChange[]) {
  const results: PushResult[] = [];
  const writes: Omit<RemoteDevice, 'version'>[] = [];
  const { current: existing, identities } = await loadDecisionRecords(db, tx, siteId, changes);
  const seen = new Set<string>();

  for (const change of changes) {
    const reject = (reason: string) => results.push({ uuid: change.uuid, status: 'rejected', reason });
    let valid: ValidChange;
    try {
      valid = validateChange(change);
    } catch (error) {
      reject(error instanceof ValidationError ? `invalid: ${error.message}` : 'invalid');
      continue;
    }
    if (seen.has(valid.uuid)) {
      reject('duplicate: the uuid appears twice in this batch');
      continue;
    }
    seen.add(valid.uuid);
    const current = existing.get(valid.uuid);
    if (current && current.siteId !== siteId) {
      reject('forbidden: this uuid belongs to another site');
      continue;
    }
    if (current && current.version !== change.baseVersion) {
      // A retry whose answer was lost carries what the cloud already has.
      if (sameContent(current, valid)) results.push({ uuid: valid.uuid, status: 'applied', version: current.version });
      else results.push({ uuid: valid.uuid, status: 'conflict', current });
      continue;
    }
    const taken = valid.deletedAt === null ? identities.holderOf(valid.fields, valid.uuid) : null;
    if (taken) {
      reject(`duplicate: ${taken.field} ${valid.fields[taken.field]} is already used by device ${taken.uuid} of this site`);
      continue;
    }
    identities.assign(valid.uuid, valid.deletedAt === null ? valid.fields : null);
    writes.push({
      uuid: valid.uuid,
      siteId,
      ...valid.fields,
      // A change carries no createdAt: a new device's is the time of its first pushed edit, not of its arrival
      // (a device recorded offline on Monday and synced on Friday was made on Monday; decision 8).
      createdAt: current?.createdAt ?? valid.updatedAt,
      updatedAt: valid.updatedAt,
      deletedAt: valid.deletedAt,
    });
    results.push({ uuid: valid.uuid, status: 'applied' });
  }
  return { results, writes };
}

/** Work done in a push's transaction once its answer is known: it commits with the push, or neither does. */
export type WithinPush = (tx: EntityManager, response: PushResponse) => Promise<void>;

/**
 * Applies one push batch in one transaction. A batch seen before (same
 * instance, same batchId) is answered from its stored response. Either way
 * `withinPush` runs before the commit (the server records the visit there:
 * one commit fewer per push). Once committed, the site's
 * new version is announced to live listeners.
 */
export async function applyPushBatch(
  db: CloudDatabase,
  instance: { instanceId: string; siteId: string },
  request: PushRequest,
  now: string,
  withinPush: WithinPush = async () => undefined,
): Promise<PushResponse> {
  let written = 0;
  const attempt = () => db.transaction(async (tx) => {
    await lockSite(db, tx, instance.siteId);
    // Plain SQL: the query builder costs more than these two statements.
    const [stored] = (await tx.query(`SELECT response FROM push_batches WHERE instance_id = ${db.param(1)} AND batch_id = ${db.param(2)}`, [
      instance.instanceId,
      request.batchId,
    ])) as { response: string }[];
    if (stored) {
      const replayed = JSON.parse(stored.response) as PushResponse;
      await withinPush(tx, replayed);
      return replayed;
    }

    const { results, writes } = await decide(db, tx, instance.siteId, request.changes);
    const versions = await writeVersioned(db, tx, instance.siteId, writes);
    written = Math.max(0, ...versions.values());
    for (const result of results) if (result.status === 'applied' && result.version === undefined) result.version = versions.get(result.uuid);

    const count = (status: PushResult['status']) => results.filter((r) => r.status === status).length;
    const response: PushResponse = { results, applied: count('applied'), conflicts: count('conflict'), rejected: count('rejected') };
    await tx.query(`INSERT INTO push_batches (instance_id, batch_id, response, created_at) VALUES (${[1, 2, 3, 4].map((n) => db.param(n)).join(', ')})`, [
      instance.instanceId,
      request.batchId,
      JSON.stringify(response),
      now,
    ]);
    await withinPush(tx, response);
    return response;
  });
  const answer = await attempt().catch((error: unknown) => {
    if (error instanceof UuidClaimedElsewhere) return attempt();
    throw error;
  });
  if (written) await announceVersion(db, { siteId: instance.siteId, version: written, by: instance.instanceId });
  return answer;
}

