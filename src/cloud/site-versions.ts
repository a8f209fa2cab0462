import type { EntityManager } from 'typeorm';
import type { CloudDatabase } from '../db/cloud/cloud-database';

/**
 * Takes the site's write lock for the rest of the transaction. A push must
 * hold it before it reads the records it decides on: two processes deciding
 * on the same version at once would both "apply" and one edit would vanish.
 * On SQLite, BEGIN IMMEDIATE already holds the database's only write lock.
 */
export async function lockSite(db: CloudDatabase, tx: EntityManager, siteId: string): Promise<void> {
  if (db.dialect === 'postgres') await tx.query('SELECT 1 FROM sites WHERE site_id = $1 FOR UPDATE', [siteId]);
}

/**
 * Reserves `count` consecutive versions of the site and returns the first.
 * The UPDATE locks the site's row until the transaction ends, so writers of
 * one site commit in version order and a reader never sees version N+1
 * before N (DESIGN §3). On SQLite the single writer gives the same order.
 */
export async function allocateVersions(db: CloudDatabase, tx: EntityManager, siteId: string, count: number): Promise<number> {
  let rows: { last_version: string | number }[];
  if (db.dialect === 'postgres') {
    // One round trip; TypeORM answers an UPDATE on PostgreSQL with [rows, rowCount].
    [rows] = await tx.query('UPDATE sites SET last_version = last_version + $1 WHERE site_id = $2 RETURNING last_version', [count, siteId]);
  } else {
    // No RETURNING: TypeORM's sqlite driver drops the rows of an UPDATE. The write lock taken by the UPDATE covers the read.
    await tx.query('UPDATE sites SET last_version = last_version + ? WHERE site_id = ?', [count, siteId]);
    rows = await tx.query('SELECT last_version FROM sites WHERE site_id = ?', [siteId]);
  }
  if (!rows.length) throw new Error(`site ${siteId} does not exist`);
  return Number(rows[0].last_version) - count + 1;
}
