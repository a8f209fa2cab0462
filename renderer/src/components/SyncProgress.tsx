import type { WorkerStateView } from '../../../src/contract/ipc';

const PHASE_WORDS = { push: 'Sending changes', pull: 'Receiving changes' } as const;

/** The thin bar under the header, fed by the workers' progress events. */
export function SyncProgress({ worker }: { worker: WorkerStateView }) {
  const running = worker.phase === 'running';
  const progress = worker.progress;
  const total = progress?.total ?? null;
  const percent = progress && total ? Math.min(100, Math.round((progress.done / Math.max(total, 1)) * 100)) : null;
  const label = !running
    ? ''
    : progress
      ? `${PHASE_WORDS[progress.phase]}: ${progress.done}${total !== null ? ` of ${total}` : ''}`
      : 'Starting sync…';
  return (
    <div className="progress-track" data-state={running ? 'running' : 'idle'}>
      {running && (
        <div
          className={`progress-fill${percent === null ? ' progress-indeterminate' : ''}`}
          role="progressbar"
          aria-label="Sync progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent ?? undefined}
          aria-valuetext={label}
          data-testid="sync-progress"
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      )}
      <span id="sync-progress-label" className="visually-hidden" aria-live="polite">
        {label}
      </span>
    </div>
  );
}
