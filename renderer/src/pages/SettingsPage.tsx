import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { MAX_SYNC_INTERVAL_SECONDS, MIN_SYNC_INTERVAL_SECONDS } from '../../../src/contract/ipc';
import { EnrolForm } from '../components/EnrolForm';
import { PageSection } from '../components/PageSection';
import { TextField } from '../components/TextField';
import { CallFailure } from '../sitesync';
import { useApp } from '../store';

interface SettingPanelProps {
  title: string;
  description: ReactNode;
  saveLabel: string;
  unchanged: boolean;
  save: () => Promise<void>;
  /** The field, given the error to show beneath it. */
  children: (error: string | null) => ReactNode;
}

/** One setting with its own Save: a refusal shows beside the field it concerns. */
function SettingPanel({ title, description, saveLabel, unchanged, save, children }: SettingPanelProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await save();
    } catch (failure) {
      setError(failure instanceof CallFailure ? (failure.error.issues?.[0]?.message ?? failure.message) : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel">
      <h2>{title}</h2>
      <p className="muted">{description}</p>
      <form className="inline-form" onSubmit={submit} noValidate>
        {children(error)}
        <button type="submit" className="button-primary" disabled={busy || unchanged}>
          {saveLabel}
        </button>
      </form>
    </div>
  );
}

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  const status = useApp((s) => s.status);
  const refreshSettings = useApp((s) => s.refreshSettings);
  const updateSettings = useApp((s) => s.updateSettings);
  const [cloudUrl, setCloudUrl] = useState('');
  const [interval, setIntervalText] = useState('');
  useEffect(() => void refreshSettings(), [refreshSettings]);
  useEffect(() => {
    if (!settings) return;
    setCloudUrl(settings.cloudUrl ?? '');
    setIntervalText(String(settings.syncIntervalSeconds));
  }, [settings]);
  if (!settings) return null;

  const saveInterval = () => {
    const seconds = Number(interval);
    if (!Number.isInteger(seconds)) return Promise.reject(new Error('Enter a whole number of seconds.'));
    return updateSettings({ syncIntervalSeconds: seconds });
  };

  return (
    <PageSection name="settings" title="Settings" sub={`This PC belongs to site ${status?.siteId}.`}>
      <SettingPanel
        title="Cloud address"
        description={`Change it when the cloud moved to another port or to https on the same host; this PC keeps its token. Another server: Enrol again below.${settings.demoCloud ? ' This PC runs its own demo cloud.' : ''}`}
        saveLabel="Save address"
        unchanged={cloudUrl.trim() === (settings.cloudUrl ?? '')}
        save={() => updateSettings({ cloudUrl: cloudUrl.trim() })}
      >
        {(error) => <TextField id="settings-url" label="Cloud URL" type="url" value={cloudUrl} onChange={(e) => setCloudUrl(e.target.value)} error={error} />}
      </SettingPanel>

      <SettingPanel
        title="Sync schedule"
        description="SiteSync syncs on its own this often (give or take 10%, so the PCs of a site do not all call at once), and at once when you press Sync now."
        saveLabel="Save schedule"
        unchanged={interval === String(settings.syncIntervalSeconds)}
        save={saveInterval}
      >
        {(error) => (
          <TextField
            id="settings-interval"
            label="Every (seconds)"
            type="number"
            min={MIN_SYNC_INTERVAL_SECONDS}
            max={MAX_SYNC_INTERVAL_SECONDS}
            value={interval}
            onChange={(e) => setIntervalText(e.target.value)}
            error={error}
          />
        )}
      </SettingPanel>

      <div className="panel">
        <h2>Enrol again</h2>
        <p className="muted">When the cloud stopped accepting this PC (its token was revoked), enrol it with a new token. Local changes are kept.</p>
        <EnrolForm initialUrl={settings.cloudUrl ?? ''} submitLabel="Enrol again" />
      </div>
    </PageSection>
  );
}
