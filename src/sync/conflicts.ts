import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { SYNC_FIELDS, pickFields, sameFields, type Device, type DeviceFields, type SyncField } from '../domain/device';
import { requireIdentity, validateFieldsPatch } from '../domain/validation';
import { duplicateIdentity } from '../domain/duplicate-identity';
import { ValidationError } from '../domain/validation-error';
import {
  ConflictEntity,
  type ConflictResolution,
  type ConflictRow,
  type ConflictSide,
} from '../db/local/entities/conflict.entity';
import { findNewDuplicate, getRecord, nextLocalSeq, upsertDevices, upsertSyncStates } from '../db/local/device-store';
import { mergeFields } from '../domain/merge-fields';
import { NotFoundError } from '../domain/not-found-error';
import { openDispute, sideOf, sidesAgree } from './dispute';

export type ConflictDraft = Omit<ConflictRow, 'id' | 'detectedAt' | 'resolvedAt' | 'resolution'>;

/** Opens a conflict for the device, or refreshes its open one: at most one is open per device. */
export async function recordConflict(tx: EntityManager, draft: ConflictDraft, detectedAt: string): Promise<void> {
  const repo = tx.getRepository(ConflictEntity);
  const open = await repo.findOneBy({ deviceUuid: draft.deviceUuid, resolvedAt: IsNull() });
  if (open) await repo.update({ id: open.id }, { kind: draft.kind, fields: draft.fields, remote: draft.remote, remoteVersion: draft.remoteVersion, local: draft.local });
  else await repo.insert({ ...draft, detectedAt, resolvedAt: null, resolution: null });
}

/** Who closed a conflict whose two sides came to hold the same (decision 48). */
export const BOTH_SIDES_AGREE = 'sitesync (both sides agree)';

/** Closes the device's open conflict, whose sides came to hold the same: nothing is left to decide. The caller syncs the device. */
export async function closeAgreedConflict(tx: EntityManager, deviceUuid: string, local: ConflictSide, now: string): Promise<void> {
  const repo = tx.getRepository(ConflictEntity);
  const open = await repo.findOneBy({ deviceUuid, resolvedAt: IsNull() });
  if (!open) return;
  const resolution: ConflictResolution = { take: 'cloud', choices: {}, resolvedBy: BOTH_SIDES_AGREE };
  await repo.update({ id: open.id }, { local, fields: [], resolvedAt: now, resolution });
}

/**
 * A local edit of a device an open conflict holds: the conflict shows the
 * new local side and what is disputed now (a deletion disputes the device
 * whole), so the person decides on what this PC really holds. An edit that
 * makes the device what the cloud holds settles it: the conflict closes
 * and the device is in sync at the cloud's version.
 */
export async function refreshConflictLocalSide(tx: EntityManager, device: Device, now: string): Promise<void> {
  const repo = tx.getRepository(ConflictEntity);
  const open = await repo.findOneBy({ deviceUuid: device.uuid, resolvedAt: IsNull() });
  if (!open) return;
  const local = sideOf(device);
  if (sidesAgree(local, open.remote)) {
    await resolveDeviceConflict(tx, open.id, { take: 'cloud' }, { now, resolvedBy: BOTH_SIDES_AGREE });
    return;
  }
  await repo.update({ id: open.id }, { local, ...openDispute(open.base, local, open.remote) });
}

/**
 * For enrolment with another cloud (decision 42): the open conflicts are
 * against values of the old cloud, which the new one may not hold. Each is
 * closed keeping this PC's values, which go to the new cloud with every
 * other device; where the new cloud holds the device otherwise, its answer
 * opens a fresh conflict against its own values.
 */
export async function closeConflictsOfFormerCloud(tx: EntityManager, now: string): Promise<void> {
  const repo = tx.getRepository(ConflictEntity);
  for (const conflict of await repo.findBy({ resolvedAt: IsNull() })) {
    const record = await getRecord(tx, conflict.deviceUuid);
    const resolution: ConflictResolution = { take: 'local', choices: {}, resolvedBy: 'sitesync (enrolled with another cloud)' };
    await repo.update({ id: conflict.id }, { local: record ? sideOf(record.device) : conflict.local, resolvedAt: now, resolution });
  }
}

export async function listConflicts(db: EntityManager, includeResolved = false): Promise<ConflictRow[]> {
  return db.getRepository(ConflictEntity).find({
    where: includeResolved ? {} : { resolvedAt: IsNull() },
    order: { id: 'ASC' },
  });
}

export function countOpenConflicts(db: EntityManager): Promise<number> {
  return db.getRepository(ConflictEntity).countBy({ resolvedAt: IsNull() });
}

/** A person's decision: one side whole, or a value per field (from a side, or typed). */
export type ResolutionInput =
  | { take: 'local' | 'cloud' }
  | { fields: Partial<Record<SyncField, { from: 'local' | 'cloud' } | { value: string | null }>> };

function finalSide(conflict: ConflictRow, local: ConflictSide, input: ResolutionInput): { side: ConflictSide; choices: ConflictResolution['choices'] } {
  const choices: ConflictResolution['choices'] = {};
  if ('take' in input) {
    const side = input.take === 'local' ? local : conflict.remote;
    for (const f of conflict.fields) choices[f] = { from: input.take, value: side[f] };
    return { side, choices };
  }
  if (conflict.kind === 'delete') {
    throw new ValidationError([{ field: 'resolution', message: 'expected take local or take cloud: a delete conflict keeps the device deleted or restores it whole' }]);
  }
  const unknown = Object.keys(input.fields).filter((f) => !(SYNC_FIELDS as readonly string[]).includes(f));
  if (unknown.length) throw new ValidationError([{ field: unknown[0], message: `expected one of ${SYNC_FIELDS.join(', ')}` }]);
  // A choice for a field nobody disputes decides nothing, and likely meant another: the disputed one would
  // then silently take the cloud's value. Other fields are edited once the conflict is resolved.
  const undisputed = Object.keys(input.fields).filter((f) => !conflict.fields.includes(f as SyncField));
  if (undisputed.length) {
    throw new ValidationError([{ field: undisputed[0], message: `expected a choice for a disputed field (${conflict.fields.join(', ')}); edit other fields once the conflict is resolved` }]);
  }
  const typed = validateFieldsPatch(
    Object.fromEntries(Object.entries(input.fields).flatMap(([f, c]) => (c && 'value' in c ? [[f, c.value ?? '']] : []))),
  );
  // Fields nobody disagreed on keep the automatic merge; disputed ones not named take the cloud's value.
  const { merged } = mergeFields(conflict.base ?? pickFields({}), pickFields(local), pickFields(conflict.remote));
  const side: ConflictSide = { ...merged, deletedAt: null };
  for (const f of conflict.fields) side[f] = conflict.remote[f];
  for (const [name, choice] of Object.entries(input.fields)) {
    const f = name as SyncField;
    if (!choice) continue;
    const from = 'value' in choice ? 'typed' : choice.from;
    side[f] = 'value' in choice ? (typed[f] ?? null) : choice.from === 'local' ? local[f] : conflict.remote[f];
    choices[f] = { from, value: side[f] };
  }
  for (const f of conflict.fields) choices[f] ??= { from: 'cloud', value: side[f] };
  return { side, choices };
}

export interface ResolutionContext {
  now: string;
  resolvedBy: string;
  /** The cloud version the person decided against (as shown with the conflict); omitted, the version the conflict holds now. */
  remoteVersion?: number;
}

/**
 * Resolves one open conflict (DESIGN §5). The outcome is based on the
 * conflict's remote version: if the cloud moved on meanwhile, the next push
 * is answered `conflict` again and a fresh conflict shows the newer values.
 * If a pull already brought newer cloud values into the conflict, a
 * decision made against the older ones is refused: it would overwrite
 * work the person never saw.
 */
export async function resolveDeviceConflict(tx: EntityManager, id: number, input: ResolutionInput, context: ResolutionContext): Promise<ConflictRow> {
  const repo = tx.getRepository(ConflictEntity);
  const found = await repo.findOneBy({ id });
  if (!found) throw new NotFoundError(`no conflict with id ${id}`);
  if (found.resolvedAt !== null) throw new ValidationError([{ field: 'id', message: `expected an open conflict; ${id} was resolved at ${found.resolvedAt}` }]);
  if (context.remoteVersion !== undefined && context.remoteVersion !== found.remoteVersion) {
    throw new ValidationError([
      {
        field: 'remoteVersion',
        message: `expected the cloud version conflict ${id} holds now, ${found.remoteVersion}; the decision was made against version ${context.remoteVersion}, and the cloud changed the device since: look at its new values and decide again`,
      },
    ]);
  }
  const record = await getRecord(tx, found.deviceUuid);
  if (!record) throw new NotFoundError(`device ${found.deviceUuid} of conflict ${id} is missing`);

  // "Local" is the device as it is now: edits made while the conflict was open count as this PC's side, and
  // decide what is disputed (a conflict stored before such edits refreshed it may name fewer fields, or the wrong kind).
  const local = sideOf(record.device);
  const conflict: ConflictRow = { ...found, ...openDispute(found.base, local, found.remote) };
  const { side, choices } = finalSide(conflict, local, input);
  if (side.deletedAt === null) {
    requireIdentity(side);
    const duplicate = await findNewDuplicate(tx, side, record.device);
    if (duplicate) throw duplicateIdentity(duplicate.field, side[duplicate.field], duplicate.holder);
  }

  const remoteFields: DeviceFields = pickFields(conflict.remote);
  const agreesWithCloud = sameFields(pickFields(side), remoteFields) && (side.deletedAt === null) === (conflict.remote.deletedAt === null);
  const device = { ...record.device, ...pickFields(side), deletedAt: side.deletedAt };
  if (agreesWithCloud) {
    await upsertDevices(tx, [{ device: { ...device, deletedAt: conflict.remote.deletedAt }, localSeq: record.localSeq, pushedSeq: record.localSeq }]);
    await upsertSyncStates(tx, [{ uuid: device.uuid, baseVersion: conflict.remoteVersion, base: null }]);
  } else {
    const seq = await nextLocalSeq(tx);
    await upsertDevices(tx, [{ device: { ...device, updatedAt: context.now }, localSeq: seq, pushedSeq: record.pushedSeq }]);
    await upsertSyncStates(tx, [{ uuid: device.uuid, baseVersion: conflict.remoteVersion, base: remoteFields }]);
  }
  const take = 'take' in input ? input.take : 'fields';
  const resolution: ConflictResolution = { take, choices, resolvedBy: context.resolvedBy };
  // The row keeps the local side the person actually decided on, edits made while it was open included.
  await repo.update({ id }, { kind: conflict.kind, fields: conflict.fields, local, resolvedAt: context.now, resolution });
  return { ...conflict, local, resolvedAt: context.now, resolution };
}
