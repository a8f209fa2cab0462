import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { DeviceFields, SyncField } from '../../../domain/device';

export type ConflictKind = 'update' | 'delete' | 'identity';

/** A device's synced values plus its deletion time, as one side of a conflict holds them. */
export interface ConflictSide extends DeviceFields {
  deletedAt: string | null;
}

export interface ConflictResolution {
  /** `local`/`cloud`: one side whole; `fields`: a value per field. */
  take: 'local' | 'cloud' | 'fields';
  /** The value chosen for each conflicting field, and where it came from. */
  choices: Partial<Record<SyncField, { from: 'local' | 'cloud' | 'typed'; value: string | null }>>;
  resolvedBy: string;
}

/** The conflict JSON of CONTRACT.md. */
export interface ConflictRow {
  id: number;
  deviceUuid: string;
  kind: ConflictKind;
  fields: SyncField[];
  base: ConflictSide | null;
  local: ConflictSide;
  remote: ConflictSide;
  remoteVersion: number;
  detectedAt: string;
  resolvedAt: string | null;
  resolution: ConflictResolution | null;
}

const json: ValueTransformer = {
  to: (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : JSON.parse(value)),
};

export const ConflictEntity = new EntitySchema<ConflictRow>({
  name: 'Conflict',
  tableName: 'conflicts',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    deviceUuid: { name: 'device_uuid', type: 'varchar', length: 36 },
    kind: { type: 'varchar', length: 16 },
    fields: { type: 'text', transformer: json },
    base: { type: 'text', nullable: true, transformer: json },
    local: { type: 'text', transformer: json },
    remote: { type: 'text', transformer: json },
    remoteVersion: { name: 'remote_version', type: 'integer' },
    detectedAt: { name: 'detected_at', type: 'varchar', length: 30 },
    resolvedAt: { name: 'resolved_at', type: 'varchar', length: 30, nullable: true },
    resolution: { type: 'text', nullable: true, transformer: json },
  },
});
