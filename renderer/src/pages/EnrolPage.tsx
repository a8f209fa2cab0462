import { useState } from 'react';
import { EnrolForm } from '../components/EnrolForm';
import { CallFailure } from '../sitesync';
import { useApp } from '../store';

/** First run: connect this PC to a cloud, or start one here to see SiteSync work at once. */
export function EnrolPage() {
  const enrolWithDemoCloud = useApp((s) => s.enrolWithDemoCloud);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const startDemo = async () => {
    setBusy(true);
    setError(null);
    try {
      await enrolWithDemoCloud();
    } catch (failure) {
      setError(failure instanceof CallFailure ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <main className="welcome">
      <div className="welcome-brand">
        <img src="./icon.svg" alt="" width="48" height="48" />
        <div>
          <h1>Welcome to SiteSync</h1>
          <p className="page-sub">Record the network devices of this site. It works offline and syncs with your cloud when it can.</p>
        </div>
      </div>
      <div className="welcome-options">
        <section className="card welcome-card" aria-labelledby="enrol-title">
          <h2 id="enrol-title">Connect to your cloud</h2>
          <p className="muted">Enter the cloud address and the enrolment token for this PC.</p>
          <EnrolForm initialUrl="" submitLabel="Enrol this PC" />
        </section>
        <section className="card welcome-card welcome-demo" aria-labelledby="demo-title">
          <h2 id="demo-title">Just trying it out?</h2>
          <p className="muted">
            Start a demo cloud on this PC. It listens on 127.0.0.1 only, keeps its data beside this PC’s, and lets you see a sync straight away.
          </p>
          {error && <p className="form-error" role="alert">{error}</p>}
          <button type="button" className="button-secondary" onClick={() => void startDemo()} disabled={busy}>
            {busy ? 'Starting…' : 'Start a demo cloud on this PC'}
          </button>
        </section>
      </div>
    </main>
  );
}
