import type { EntityManager } from 'typeorm';
import { MetaEntity } from './entities/meta.entity';

/** The instance's settings, kept in the `meta` table. */
export interface InstanceMeta {
  siteId: string | null;
  instanceId: string | null;
  cloudUrl: string | null;
  /** The last cloud version pulled; only ever a server value, never a client clock. */
  pullCursor: number;
}

export async function readMeta(db: EntityManager): Promise<InstanceMeta> {
  const rows = await db.getRepository(MetaEntity).find();
  const value = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
  return {
    siteId: value('siteId'),
    instanceId: value('instanceId'),
    cloudUrl: value('cloudUrl'),
    pullCursor: Number(value('pullCursor') ?? 0),
  };
}

export async function writeMeta(tx: EntityManager, values: Partial<InstanceMeta>): Promise<void> {
  const rows = Object.entries(values).map(([key, value]) => ({ key, value: String(value) }));
  if (rows.length) await tx.getRepository(MetaEntity).upsert(rows, ['key']);
}
