/** The status object of CONTRACT.md. */
export interface StatusReport {
  role: 'local';
  siteId: string | null;
  instanceId: string | null;
  cloudUrl: string | null;
  connection: 'online' | 'offline' | 'unauthorized' | 'unknown';
  lastPushAt: string | null;
  lastPullAt: string | null;
  pendingChanges: number;
  openConflicts: number;
  /** The cloud's view of this instance, when it could be asked. */
  cloud: { lastPushAt: string | null; lastPullAt: string | null } | null;
  /** Devices the cloud refused as they are now, with its reason; retried once edited. */
  rejected: { uuid: string; reason: string }[];
  appVersion: string;
  /** Why this PC does not use its enrolment, when it does not (an address in clear text left by an older build). */
  refusal: string | null;
  /** Where this PC keeps its token: encrypted by the OS's key store, or in a file only its user can read. */
  tokenProtection: 'os-key-store' | 'file';
}
