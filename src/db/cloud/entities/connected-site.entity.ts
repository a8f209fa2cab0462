import { EntitySchema } from 'typeorm';

/** One enrolled instance of a site, as the cloud keeps it (ConnectedSite). */
export interface ConnectedSite {
  instanceId: string;
  siteId: string;
  name: string | null;
  tokenHash: string;
  createdAt: string;
  lastPushAt: string | null;
  lastPullAt: string | null;
  lastSeenAt: string | null;
  lastIp: string | null;
  appVersion: string | null;
  pushCount: number;
  pullCount: number;
  changesApplied: number;
  lastError: string | null;
  revokedAt: string | null;
}

export const ConnectedSiteEntity = new EntitySchema<ConnectedSite>({
  name: 'ConnectedSite',
  tableName: 'connected_sites',
  columns: {
    instanceId: { name: 'instance_id', type: 'varchar', length: 36, primary: true },
    siteId: { name: 'site_id', type: 'varchar', length: 64 },
    name: { type: 'varchar', length: 200, nullable: true },
    tokenHash: { name: 'token_hash', type: 'varchar', length: 64, unique: true },
    createdAt: { name: 'created_at', type: 'varchar', length: 30 },
    lastPushAt: { name: 'last_push_at', type: 'varchar', length: 30, nullable: true },
    lastPullAt: { name: 'last_pull_at', type: 'varchar', length: 30, nullable: true },
    lastSeenAt: { name: 'last_seen_at', type: 'varchar', length: 30, nullable: true },
    lastIp: { name: 'last_ip', type: 'varchar', length: 45, nullable: true },
    appVersion: { name: 'app_version', type: 'varchar', length: 40, nullable: true },
    pushCount: { name: 'push_count', type: 'integer', default: 0 },
    pullCount: { name: 'pull_count', type: 'integer', default: 0 },
    changesApplied: { name: 'changes_applied', type: 'integer', default: 0 },
    lastError: { name: 'last_error', type: 'text', nullable: true },
    revokedAt: { name: 'revoked_at', type: 'varchar', length: 30, nullable: true },
  },
});
