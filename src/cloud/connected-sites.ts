import { IsNull, type EntityManager } from 'typeorm';
import type { ConnectedSiteView } from '../contract/sync-http';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import type { CloudSyncLog } from '../db/cloud/entities/cloud-sync-log.entity';
import { ConnectedSiteEntity, type ConnectedSite } from '../db/cloud/entities/connected-site.entity';
import { hashToken } from './tokens';

/** `SELECT` list that yields a ConnectedSite from a row, from the entity's columns (built once: every request asks). */
let connectedSiteSelect: string | null = null;

/** The live (not revoked) instance this token belongs to, or null. Plain SQL: every request asks. */
export async function authenticate(db: CloudDatabase, token: string): Promise<ConnectedSite | null> {
  return db.read(async (r) => {
    connectedSiteSelect ??= r.connection
      .getMetadata(ConnectedSiteEntity)
      .columns.map((c) => `${c.databaseName} AS "${c.propertyName}"`)
      .join(', ');
    const [row] = (await r.query(`SELECT ${connectedSiteSelect} FROM connected_sites WHERE token_hash = ${db.param(1)} AND revoked_at IS NULL`, [hashToken(token)])) as ConnectedSite[];
    return row ?? null;
  });
}

/** What the instance did on this request, for the operator's view of connected sites. */
export interface Visit {
  at: string;
  ip: string;
  appVersion: string | null;
  direction?: 'push' | 'pull';
  applied?: number;
  error?: string | null;
  /** The cloud's audit row of a push or pull, written in the same transaction. */
  audit?: Omit<CloudSyncLog, 'id' | 'instanceId' | 'siteId' | 'at' | 'direction'>;
}

/**
 * Records one request: the instance's bookkeeping and, for a push or pull,
 * its audit row, together. Plain SQL and, on PostgreSQL, one statement (the
 * UPDATE as a data-modifying WITH): every request writes here, and each
 * statement there is a network round trip. In `tx` when given (a push's
 * transaction), else in a transaction of its own.
 */
export async function recordVisit(db: CloudDatabase, instance: ConnectedSite, visit: Visit, tx?: EntityManager): Promise<void> {
  const params: unknown[] = [];
  const param = (value: unknown) => db.param(params.push(value));
  // A placeholder per use: SQLite's `?` are positional.
  const sets = [`last_seen_at = ${param(visit.at)}`, `last_ip = ${param(visit.ip)}`];
  // A request without the header (curl, a monitoring probe) says nothing of the app: the last version seen stays.
  if (visit.appVersion !== null) sets.push(`app_version = ${param(visit.appVersion)}`);
  // Counters grow in SQL, so two requests of one instance at once both count.
  if (visit.direction === 'push') sets.push(`last_push_at = ${param(visit.at)}`, 'push_count = push_count + 1', `changes_applied = changes_applied + ${param(Math.trunc(visit.applied ?? 0))}`);
  if (visit.direction === 'pull') sets.push(`last_pull_at = ${param(visit.at)}`, 'pull_count = pull_count + 1');
  if (visit.error !== undefined) sets.push(`last_error = ${param(visit.error)}`);
  const update = `UPDATE connected_sites SET ${sets.join(', ')} WHERE instance_id = ${param(instance.instanceId)}`;
  const execute = (sql: string, values: unknown[]) => (tx ? tx.query(sql, values) : db.execute(sql, values));
  if (!visit.audit || !visit.direction) {
    await execute(update, params);
    return;
  }

  const updateParams = params.length;
  const { status, received, sent, applied, conflicts, rejected, error } = visit.audit;
  const values = [instance.instanceId, instance.siteId, visit.at, visit.direction, status, received, sent, applied, conflicts, rejected, error].map(param);
  const insert = `INSERT INTO sync_log (instance_id, site_id, at, direction, status, received, sent, applied, conflicts, rejected, error) VALUES (${values.join(', ')})`;
  if (db.dialect === 'postgres') {
    await execute(`WITH seen AS (${update}) ${insert}`, params);
    return;
  }
  const writeBoth = async (manager: EntityManager) => {
    await manager.query(update, params.slice(0, updateParams));
    await manager.query(insert, params.slice(updateParams));
  };
  await (tx ? writeBoth(tx) : db.transaction(writeBoth));
}

export function viewOf(instance: ConnectedSite): ConnectedSiteView {
  const { tokenHash: _secret, ...view } = instance;
  return view;
}

export async function listConnectedSites(db: CloudDatabase, siteId?: string): Promise<ConnectedSiteView[]> {
  const rows = await db.read((r) => r.getRepository(ConnectedSiteEntity).find({ where: siteId ? { siteId } : {}, order: { siteId: 'ASC', createdAt: 'ASC' } }));
  return rows.map(viewOf);
}

/** Whether the instance still holds a live token: an open event stream asks now and then, so a revocation ends it. */
export async function isEnrolled(db: CloudDatabase, instanceId: string): Promise<boolean> {
  return db.read((r) => r.getRepository(ConnectedSiteEntity).existsBy({ instanceId, revokedAt: IsNull() }));
}
