import { connectionOf } from '../connection';
import { useApp, type Page } from '../store';
import { SyncProgress } from './SyncProgress';

const NAV: { page: Page; label: string }[] = [
  { page: 'devices', label: 'Devices' },
  { page: 'conflicts', label: 'Conflicts' },
  { page: 'diagnostics', label: 'Diagnostics' },
  { page: 'settings', label: 'Settings' },
];

export function Header() {
  const page = useApp((s) => s.page);
  const go = useApp((s) => s.go);
  const status = useApp((s) => s.status);
  const worker = useApp((s) => s.worker);
  const openConflicts = useApp((s) => s.conflicts.length);
  const syncNow = useApp((s) => s.syncNow);
  const connection = connectionOf(status, worker);
  const running = worker.phase === 'running';

  return (
    <header className="header">
      <div className="header-row">
        <div className="brand">
          <img src="./icon.svg" alt="" width="28" height="28" />
          <span>SiteSync</span>
          {status?.siteId && <span className="site-name" title="Site of this PC">{status.siteId}</span>}
        </div>
        <nav aria-label="Pages" className="nav">
          {NAV.map((item) => (
            <button
              key={item.page}
              type="button"
              className="nav-item"
              aria-current={page === item.page ? 'page' : undefined}
              onClick={() => go(item.page)}
            >
              {item.label}
              {item.page === 'conflicts' && openConflicts > 0 && (
                <span className="badge" data-testid="conflicts-badge" aria-label={`${openConflicts} open`}>
                  {openConflicts}
                </span>
              )}
            </button>
          ))}
        </nav>
        <div className="header-actions">
          {connection.tone === 'danger' ? (
            <button type="button" className={`pill pill-${connection.tone}`} title={connection.detail} onClick={() => go('settings')} data-testid="connection-pill">
              <span className="pill-dot" aria-hidden="true" />
              {connection.label}
            </button>
          ) : (
            <span className={`pill pill-${connection.tone}`} title={connection.detail} data-testid="connection-pill">
              <span className="pill-dot" aria-hidden="true" />
              {connection.label}
            </span>
          )}
          <button type="button" className="button-primary" onClick={() => void syncNow()} disabled={running} aria-describedby="sync-progress-label">
            {running ? 'Syncing…' : 'Sync now'}
          </button>
        </div>
      </div>
      <SyncProgress worker={worker} />
    </header>
  );
}
