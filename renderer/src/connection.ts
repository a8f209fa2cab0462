import type { Status, WorkerStateView } from '../../src/contract/ipc';

export interface ConnectionView {
  label: string;
  tone: 'ok' | 'warn' | 'danger' | 'neutral';
  detail: string;
}

/** One word for the header pill, from the cloud's last answer and what the workers learnt since. */
export function connectionOf(status: Status | null, worker: WorkerStateView): ConnectionView {
  if (status?.refusal) return { label: 'Re-enrol', tone: 'danger', detail: status.refusal };
  if (worker.phase === 'unauthorized' || status?.connection === 'unauthorized') {
    return { label: 'Re-enrol', tone: 'danger', detail: 'The cloud refused this PC’s token. Enrol it again in Settings.' };
  }
  if (worker.phase === 'upgrade-required') return { label: 'Update needed', tone: 'danger', detail: 'The cloud needs a newer SiteSync.' };
  // It answered, but with 429 or 5xx (busy, rate-limited, its database down): not the network's fault.
  if (worker.phase === 'backoff' && status?.connection === 'unknown') {
    return { label: 'Cloud busy', tone: 'warn', detail: 'The cloud answers but is not taking requests now; changes wait on this PC and go when it does.' };
  }
  if (worker.phase === 'backoff' || status?.connection === 'offline') {
    return { label: 'Offline', tone: 'warn', detail: 'The cloud cannot be reached; changes wait on this PC.' };
  }
  if (status?.connection === 'online') {
    if (worker.live === 'open') return { label: 'Live', tone: 'ok', detail: 'The cloud answers and tells this PC of each change at once.' };
    if (worker.live === 'down') {
      return { label: 'Online', tone: 'ok', detail: 'The cloud answers; its live updates are down, so changes from other PCs arrive at the next scheduled sync.' };
    }
    return { label: 'Online', tone: 'ok', detail: 'The cloud answers; changes travel both ways.' };
  }
  return { label: 'Checking…', tone: 'neutral', detail: 'Asking the cloud.' };
}
