import { PageSection } from '../components/PageSection';
import { useEffect, useState } from 'react';
import { connectionOf } from '../connection';
import { formatDuration, formatTime, formatWhen } from '../format';
import { failureText, useApp } from '../store';
import { SyncChart } from './SyncChart';

const PHASE_WORDS = {
  idle: 'Waiting for the next run',
  running: 'Syncing now',
  backoff: 'Retrying after a failure',
  unauthorized: 'Stopped: enrol again',
  'upgrade-required': 'Stopped: update the app',
  stopped: 'Not running',
} as const;

/** Seconds until the next run, redrawn every second while one is scheduled. */
function useCountdown(at: number | null): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  if (at === null) return '—';
  const seconds = Math.max(0, Math.round((at - now) / 1000));
  return seconds < 90 ? `in ${seconds} s` : `in ${Math.round(seconds / 60)} min`;
}

export function DiagnosticsPage() {
  const status = useApp((s) => s.status);
  const worker = useApp((s) => s.worker);
  const log = useApp((s) => s.log);
  const refreshAll = useApp((s) => s.refreshAll);
  const nextRun = useCountdown(worker.nextRunAt);
  useEffect(() => void refreshAll(), [refreshAll]);
  if (!status) return null;
  const connection = connectionOf(status, worker);

  return (
    <PageSection
      name="diagnostics"
      title="Diagnostics"
      sub={`How this PC and the cloud see each other. SiteSync ${status.appVersion}.`}
      actions={
        <button type="button" className="button-secondary" onClick={() => void refreshAll()}>
          Refresh
        </button>
      }
    >
      <div className="cards">
        <div className="card" data-testid="diag-connection">
          <h2>Connection</h2>
          <p className={`big tone-${connection.tone}`}>{connection.label}</p>
          <p className="muted">{connection.detail}</p>
          <dl className="facts">
            <dt>Cloud</dt>
            <dd className="mono">{status.cloudUrl ?? '—'}</dd>
            <dt>Site</dt>
            <dd>{status.siteId}</dd>
            <dt>This PC</dt>
            <dd className="mono small">{status.instanceId}</dd>
            <dt>Token</dt>
            <dd data-testid="diag-token">
              {status.tokenProtection === 'os-key-store' ? 'Encrypted by the system’s key store' : 'In a file only this user can read (no system key store)'}
            </dd>
          </dl>
        </div>
        <div className="card" data-testid="diag-last-sync">
          <h2>Last successful sync</h2>
          <table className="facts-table">
            <thead>
              <tr>
                <th scope="col"></th>
                <th scope="col">This PC’s view</th>
                <th scope="col">Cloud’s view</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Push</th>
                <td title={formatTime(status.lastPushAt)}>{formatWhen(status.lastPushAt)}</td>
                <td title={formatTime(status.cloud?.lastPushAt ?? null)}>{status.cloud ? formatWhen(status.cloud.lastPushAt) : 'unreachable'}</td>
              </tr>
              <tr>
                <th scope="row">Pull</th>
                <td title={formatTime(status.lastPullAt)}>{formatWhen(status.lastPullAt)}</td>
                <td title={formatTime(status.cloud?.lastPullAt ?? null)}>{status.cloud ? formatWhen(status.cloud.lastPullAt) : 'unreachable'}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <div className="card" data-testid="diag-worker">
          <h2>Sync worker</h2>
          <p className="big">{PHASE_WORDS[worker.phase]}</p>
          <dl className="facts">
            <dt>Next run</dt>
            <dd>{nextRun}</dd>
            <dt>Failures in a row</dt>
            <dd>{worker.consecutiveFailures}</dd>
            {worker.lastFailure && (
              <>
                <dt>Last failure</dt>
                <dd>{failureText(worker)}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="card" data-testid="diag-pending">
          <h2>Waiting</h2>
          <dl className="facts facts-numbers">
            <dt>Changes to send</dt>
            <dd className="big">{status.pendingChanges}</dd>
            <dt>Open conflicts</dt>
            <dd className="big">{status.openConflicts}</dd>
            <dt>Refused by the cloud</dt>
            <dd className="big">{status.rejected.length}</dd>
          </dl>
        </div>
      </div>

      {status.rejected.length > 0 && (
        <div className="panel">
          <h2>Refused by the cloud</h2>
          <p className="muted">These devices stay on this PC and are sent again once edited.</p>
          <ul className="rejected">
            {status.rejected.map((r) => (
              <li key={r.uuid}>
                <span className="mono">{r.uuid}</span>: {r.reason}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="panel">
        <h2>Recent sync durations</h2>
        <SyncChart attempts={log} />
      </div>

      <div className="panel">
        <h2>Recent attempts</h2>
        {/* Focusable, so the list scrolls from the keyboard too. */}
        <div className="log-scroll" tabIndex={0} role="region" aria-label="Recent attempts, newest first">
          <table className="log-table" data-testid="attempts">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Direction</th>
                <th scope="col">Trigger</th>
                <th scope="col">Result</th>
                <th scope="col">Took</th>
                <th scope="col">Sent</th>
                <th scope="col">Received</th>
                <th scope="col">Applied</th>
                <th scope="col">Conflicts</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {log.map((a) => (
                <tr key={a.id} className={`attempt attempt-${a.status}`}>
                  <td>{formatTime(a.startedAt)}</td>
                  <td>{a.direction}</td>
                  <td>{a.trigger}</td>
                  <td>
                    <span className={`status status-result-${a.status}`}>{a.status === 'error' ? 'failed' : a.status}</span>
                  </td>
                  <td>{formatDuration(Date.parse(a.finishedAt) - Date.parse(a.startedAt))}</td>
                  <td>{a.sent}</td>
                  <td>{a.received}</td>
                  <td>{a.applied}</td>
                  <td>{a.conflicts}</td>
                  <td className="log-error">{a.error ?? ''}</td>
                </tr>
              ))}
              {log.length === 0 && (
                <tr>
                  <td colSpan={10} className="muted">
                    No attempts yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </PageSection>
  );
}
