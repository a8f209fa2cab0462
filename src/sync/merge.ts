import type { EntityManager } from 'typeorm';
import type { RemoteDevice } from '../contract/device';
import { pickFields, sameFields, type Device } from '../domain/device';
import { mergeFields } from '../domain/merge-fields';
import { getRecords, inConflict, isDirty, nextLocalSeq, upsertDevices, upsertSyncStates, type LocalRecord, type SyncStateRow } from '../db/local/device-store';
import { closeAgreedConflict, recordConflict, type ConflictDraft } from './conflicts';
import { disputeOf, openDispute, sideOf, sidesAgree, type Dispute } from './dispute';
import { softDelete } from './soft-delete';

/** What applying one remote record decided: rows to write, and maybe a conflict for a person. */
export interface MergeDecision {
  outcome: 'applied' | 'unchanged' | 'conflict';
  /** localSeq null: a new local change number, so the push under way sends the merged values too. */
  device?: { device: Device; localSeq: number | null; pushedSeq: number };
  syncState?: SyncStateRow;
  conflict?: ConflictDraft;
  /** The device's open conflict has nothing left to decide: the cloud came to hold what this PC holds. */
  closesConflict?: boolean;
}

function takeRemote(remote: RemoteDevice, local: LocalRecord | null): MergeDecision {
  const device: Device = { ...remote, createdAt: local?.device.createdAt ?? remote.createdAt };
  const seq = local?.localSeq ?? 0;
  return {
    outcome: 'applied',
    device: { device: remote.deletedAt === null ? device : softDelete(device, remote.deletedAt), localSeq: seq, pushedSeq: seq },
    syncState: { uuid: remote.uuid, baseVersion: remote.version, base: null },
  };
}

function conflictWith({ kind, fields }: Dispute, local: LocalRecord, remote: RemoteDevice): MergeDecision {
  const base = local.baseVersion === null ? null : { ...local.base, deletedAt: null };
  return {
    outcome: 'conflict',
    conflict: { deviceUuid: remote.uuid, kind, fields, base, local: sideOf(local.device), remote: sideOf(remote), remoteVersion: remote.version },
  };
}

/**
 * Decides how one remote record meets the local one (DESIGN §5). Pure: the
 * caller writes the decision, so a page of decisions can be written at once.
 */
export function decideMerge(remote: RemoteDevice, local: LocalRecord | null): MergeDecision {
  // An echo of what this instance already agreed on (a repeated page, our own push coming back), or older
  // than the cloud values an open conflict holds (a push answer sent again from the outbox).
  if (local !== null && local.baseVersion !== null && remote.version <= local.baseVersion) return { outcome: 'unchanged' };
  if (local !== null && inConflict(local) && remote.version <= local.conflictVersion!) return { outcome: 'unchanged' };
  if (local === null || !isDirty(local)) return takeRemote(remote, local);

  const base = local.baseVersion === null ? null : local.base;
  if (inConflict(local)) {
    if (sidesAgree(sideOf(local.device), sideOf(remote))) return { ...takeRemote(remote, local), closesConflict: true };
    // An open conflict is refreshed with the newer cloud values: the person decides against what the cloud has now.
    return conflictWith(openDispute(base, sideOf(local.device), sideOf(remote)), local, remote);
  }
  const dispute = disputeOf(base, sideOf(local.device), sideOf(remote));
  if (dispute) return conflictWith(dispute, local, remote);
  if (local.device.deletedAt !== null) return takeRemote(remote, local);

  const remoteFields = pickFields(remote);
  const { merged } = mergeFields(base ?? remoteFields, pickFields(local.device), remoteFields);
  if (sameFields(merged, remoteFields)) return takeRemote(remote, local);
  // Both sides' changes kept: still dirty, now based on the remote version, pushed next time.
  return {
    outcome: 'applied',
    device: { device: { ...local.device, ...merged }, localSeq: null, pushedSeq: local.pushedSeq },
    syncState: { uuid: remote.uuid, baseVersion: remote.version, base: remoteFields },
  };
}

/** Writes a set of decisions in the caller's transaction. */
export async function writeDecisions(tx: EntityManager, decisions: MergeDecision[], detectedAt: string): Promise<void> {
  let seq = decisions.some((d) => d.device?.localSeq === null) ? await nextLocalSeq(tx) : 0;
  await upsertDevices(tx, decisions.flatMap((d) => (d.device ? [{ ...d.device, localSeq: d.device.localSeq ?? seq++ }] : [])));
  await upsertSyncStates(tx, decisions.flatMap((d) => (d.syncState ? [d.syncState] : [])));
  for (const d of decisions) {
    if (d.conflict) await recordConflict(tx, d.conflict, detectedAt);
    if (d.closesConflict) await closeAgreedConflict(tx, d.device!.device.uuid, sideOf(d.device!.device), detectedAt);
  }
}

/**
 * Applies remote records to the local store (the pull, and a push answered
 * `conflict`). A device held by an open conflict gets its conflict refreshed
 * with the newer cloud values; its local values stay untouched.
 */
export async function applyUpdate(tx: EntityManager, remotes: RemoteDevice[], detectedAt: string): Promise<MergeDecision[]> {
  const locals = await getRecords(tx, remotes.map((r) => r.uuid));
  const decisions = remotes.map((remote) => decideMerge(remote, locals.get(remote.uuid) ?? null));
  await writeDecisions(tx, decisions, detectedAt);
  return decisions;
}
