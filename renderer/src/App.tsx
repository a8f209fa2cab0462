import { Header } from './components/Header';
import { NoticeBar } from './components/NoticeBar';
import { ConflictsPage } from './pages/ConflictsPage';
import { DevicesPage } from './pages/DevicesPage';
import { DiagnosticsPage } from './pages/DiagnosticsPage';
import { EnrolPage } from './pages/EnrolPage';
import { SettingsPage } from './pages/SettingsPage';
import { useApp } from './store';

const PAGES = { devices: DevicesPage, conflicts: ConflictsPage, diagnostics: DiagnosticsPage, settings: SettingsPage };

export function App() {
  const ready = useApp((s) => s.ready);
  const enrolled = useApp((s) => s.status?.siteId != null);
  const page = useApp((s) => s.page);
  const disconnected = useApp((s) => s.disconnected);

  if (disconnected) {
    return (
      <main className="splash">
        <h1>Connection lost</h1>
        <p>This window lost its connection to SiteSync. Start <code>sitesync ui</code> again and open the address it prints.</p>
      </main>
    );
  }
  if (!ready) {
    return (
      <main className="splash" aria-busy="true">
        <h1 className="visually-hidden">SiteSync</h1>
        <p>Opening SiteSync…</p>
      </main>
    );
  }
  if (!enrolled) return <EnrolPage />;
  const Page = PAGES[page];
  return (
    <div className="app">
      <Header />
      <NoticeBar />
      <main className="page" id="main">
        <Page />
      </main>
    </div>
  );
}
