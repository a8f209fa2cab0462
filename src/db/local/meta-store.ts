import { In, type EntityManager } from 'typeorm';
import { MetaEntity } from './entities/meta.entity';

/** The instance's settings, kept in the `meta` table. */
export interface InstanceMeta {
  siteId: string | null;
  instanceId: string | null;
  cloudUrl: string | null;
  /** The id its cloud gave in its status (null: a cloud before schema v5, or a data dir enrolled before ids that has not read its status since). */
  cloudId: string | null;
  /** The last cloud version pulled; only ever a server value, never a client clock. */
  pullCursor: number;
  /** New at every `init`; a sync writes only while the enrolment it began with holds (decision 42). Null: enrolled before it existed. */
  enrolmentId: string | null;
}

export async function readMeta(db: EntityManager): Promise<InstanceMeta> {
  const rows = await db.getRepository(MetaEntity).find();
  const value = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
  return {
    siteId: value('siteId'),
    instanceId: value('instanceId'),
    cloudUrl: value('cloudUrl'),
    cloudId: value('cloudId'),
    pullCursor: Number(value('pullCursor') ?? 0),
    enrolmentId: value('enrolmentId'),
  };
}

/** Stores these settings; a null one is removed (read back as null, never as the text "null"), an undefined one left as it is. */
export async function writeMeta(tx: EntityManager, values: Partial<InstanceMeta>): Promise<void> {
  const entries = Object.entries(values).filter(([, value]) => value !== undefined);
  const rows = entries.filter(([, value]) => value !== null).map(([key, value]) => ({ key, value: String(value) }));
  const removed = entries.filter(([, value]) => value === null).map(([key]) => key);
  if (rows.length) await tx.getRepository(MetaEntity).upsert(rows, ['key']);
  if (removed.length) await tx.getRepository(MetaEntity).delete({ key: In(removed) });
}
