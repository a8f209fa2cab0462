import { SYNC_FIELDS, differingFields, emptyFields, pickFields, sameFields, type Device, type DeviceFields, type SyncField } from '../domain/device';
import { mergeFields } from '../domain/merge-fields';
import type { ConflictKind, ConflictSide } from '../db/local/entities/conflict.entity';

/** What a person has to decide about one device: whether it lives (`delete`), or the values of some fields. */
export interface Dispute {
  kind: ConflictKind;
  fields: SyncField[];
}

export function sideOf(device: Device): ConflictSide {
  return { ...pickFields(device), deletedAt: device.deletedAt };
}

/**
 * What this PC and the cloud disagree on, against the values both last
 * agreed on (DESIGN §5), or null when the automatic merge settles it.
 * A deletion on one side disputes the device whole, naming the fields the
 * live side changed (what deleting would discard). Otherwise the fields
 * both sides changed to different values; and a merge that would leave the
 * device with neither MAC nor asset tag (each side cleared one) disputes
 * both, since the cloud refuses such a device and it would wait forever.
 * Without a base (null: this PC and this cloud never agreed on the device,
 * as after an enrolment with another cloud) nobody can tell which side
 * changed a field, a cleared one included: every field that differs is
 * disputed.
 */
export function disputeOf(base: DeviceFields | null, local: ConflictSide, remote: ConflictSide): Dispute | null {
  const localDeleted = local.deletedAt !== null;
  const remoteDeleted = remote.deletedAt !== null;
  if (localDeleted && remoteDeleted) return null;
  if (localDeleted || remoteDeleted) {
    const live = remoteDeleted ? local : remote;
    const before = base ?? emptyFields();
    return { kind: 'delete', fields: SYNC_FIELDS.filter((f) => live[f] !== before[f]) };
  }
  if (base === null) {
    const differing = differingFields(pickFields(local), pickFields(remote));
    return differing.length ? { kind: 'update', fields: differing } : null;
  }
  const { merged, conflicting } = mergeFields(base, pickFields(local), pickFields(remote));
  if (conflicting.length) return { kind: 'update', fields: conflicting };
  if (merged.mac === null && merged.assetTag === null) return { kind: 'update', fields: ['mac', 'assetTag'] };
  return null;
}

/**
 * The dispute of a conflict that stays open after one side changed again:
 * when nothing is disputed any more, the fields that still differ, so the
 * person confirms the outcome instead of it changing under them.
 */
export function openDispute(base: DeviceFields | null, local: ConflictSide, remote: ConflictSide): Dispute {
  return (
    disputeOf(base, local, remote) ?? {
      kind: local.deletedAt !== null || remote.deletedAt !== null ? 'delete' : 'update',
      fields: differingFields(pickFields(local), pickFields(remote)),
    }
  );
}

/** Nothing left for a person to decide: both sides deleted the device, or both hold the same values. */
export function sidesAgree(local: ConflictSide, remote: ConflictSide): boolean {
  if (local.deletedAt !== null || remote.deletedAt !== null) return local.deletedAt !== null && remote.deletedAt !== null;
  return sameFields(pickFields(local), pickFields(remote));
}
