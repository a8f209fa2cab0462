import type { Clock } from '../domain/clock';
import type { SerialAccess } from '../db/serial-access';
import type { SyncLogRow, SyncTrigger } from '../db/local/entities/sync-log.entity';
import type { CloudClient } from './cloud-client';
import type { FailureKind } from './sync-failure';

export interface SyncProgress {
  phase: 'push' | 'pull';
  done: number;
  /** Best estimate of the total; null while unknown. */
  total: number | null;
}

/** What one push or pull needs: the local store, the cloud, the time, and who to tell about progress. */
export interface SyncContext {
  db: SerialAccess;
  client: CloudClient;
  /** The enrolment (meta `enrolmentId`) the sync began with, read with the client's cloud: every write checks it still holds. */
  enrolmentId: string | null;
  clock: Clock;
  trigger: SyncTrigger;
  onProgress?: (progress: SyncProgress) => void;
  /** Aborted on quit: the run stops between pages, every finished page already committed. */
  signal?: AbortSignal;
}

/** The counts of one attempt, as `sitesync sync --json` prints them and the log row stores them. */
export type AttemptSummary = Pick<SyncLogRow, 'status' | 'sent' | 'received' | 'applied' | 'conflicts' | 'skipped' | 'rejected' | 'error'> & {
  /** Why the attempt failed, when it did: the worker backs off or stops on it. Not stored. */
  failureKind?: FailureKind;
};
