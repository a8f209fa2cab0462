import { useState, type FormEvent } from 'react';
import { CallFailure } from '../sitesync';
import { TextField } from './TextField';
import { useApp } from '../store';

/** Cloud URL and token, as `sitesync cloud enroll` printed them; used on first run and to re-enrol. */
export function EnrolForm({ initialUrl, submitLabel }: { initialUrl: string; submitLabel: string }) {
  const enrol = useApp((s) => s.enrol);
  const [cloudUrl, setCloudUrl] = useState(initialUrl);
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<{ cloudUrl?: string; token?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = { cloudUrl: cloudUrl.trim() ? undefined : 'Enter the address of your SiteSync cloud.', token: token.trim() ? undefined : 'Paste the token from `sitesync cloud enroll`.' };
    if (missing.cloudUrl || missing.token) return setErrors(missing);
    setBusy(true);
    setErrors({});
    try {
      await enrol(cloudUrl.trim(), token.trim());
    } catch (error) {
      if (error instanceof CallFailure) {
        const cloud = error.issueFor('cloudUrl') ?? error.issueFor('cloud');
        const tokenIssue = error.issueFor('token');
        setErrors(cloud || tokenIssue ? { cloudUrl: cloud ?? undefined, token: tokenIssue ?? undefined } : { form: error.message });
      } else setErrors({ form: String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <TextField
        id="enrol-url"
        label="Cloud address"
        type="url"
        placeholder="https://sitesync.example.com"
        value={cloudUrl}
        onChange={(e) => setCloudUrl(e.target.value)}
        error={errors.cloudUrl}
      />
      <TextField
        id="enrol-token"
        label="Enrolment token"
        type="password"
        autoComplete="off"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        error={errors.token}
        hint={
          <>
            Your administrator gets it with <code>sitesync cloud enroll --site SITE</code>. It is shown once.
          </>
        }
      />
      {errors.form && <p className="form-error" role="alert">{errors.form}</p>}
      <div>
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Connecting…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
