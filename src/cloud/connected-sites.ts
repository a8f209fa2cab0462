import { IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ConnectedSiteView } from '../contract/sync-http';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { CloudSyncLogEntity, type CloudSyncLog } from '../db/cloud/entities/cloud-sync-log.entity';
import { ConnectedSiteEntity, type ConnectedSite } from '../db/cloud/entities/connected-site.entity';
import { hashToken } from './tokens';

/** The live (not revoked) instance this token belongs to, or null. */
export async function authenticate(db: CloudDatabase, token: string): Promise<ConnectedSite | null> {
  return db.read((r) => r.getRepository(ConnectedSiteEntity).findOneBy({ tokenHash: hashToken(token), revokedAt: IsNull() }));
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

/** Records one request: the instance's bookkeeping and, for a push or pull, its audit row, in one transaction. */
export async function recordVisit(db: CloudDatabase, instance: ConnectedSite, visit: Visit): Promise<void> {
  // Counters grow in SQL, so two requests of one instance at once both count.
  const changes: QueryDeepPartialEntity<ConnectedSite> = { lastSeenAt: visit.at, lastIp: visit.ip, appVersion: visit.appVersion };
  if (visit.direction === 'push') {
    changes.lastPushAt = visit.at;
    changes.pushCount = () => 'push_count + 1';
    changes.changesApplied = () => `changes_applied + ${Math.trunc(visit.applied ?? 0)}`;
  }
  if (visit.direction === 'pull') {
    changes.lastPullAt = visit.at;
    changes.pullCount = () => 'pull_count + 1';
  }
  if (visit.error !== undefined) changes.lastError = visit.error;
  await db.transaction(async (tx) => {
    await tx.getRepository(ConnectedSiteEntity).update({ instanceId: instance.instanceId }, changes);
    if (visit.audit && visit.direction) {
      await tx.getRepository(CloudSyncLogEntity).insert({ instanceId: instance.instanceId, siteId: instance.siteId, at: visit.at, direction: visit.direction, ...visit.audit });
    }
  });
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
