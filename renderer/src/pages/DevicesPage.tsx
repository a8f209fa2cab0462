import { PageSection } from '../components/PageSection';
import { useDeferredValue, useMemo, useState } from 'react';
import type { ListedDevice } from '../../../src/contract/ipc';
import { normalizeMac } from '../../../src/domain/mac';
import { DEVICE_STATUSES } from '../../../src/domain/validation';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { deviceLabel } from '../format';
import { useApp } from '../store';
import { DeviceForm } from './DeviceForm';
import { DeviceTable } from './DeviceTable';

type Editing = { device: ListedDevice | null } | null;

/**
 * What one search term may match: itself, and a MAC typed as on a label
 * (`AA-BB-CC-00-11-22`, `aabb.cc00.1122`, `aabbcc001122`, or the first pairs
 * `AA-BB-CC`) in the colon form the devices are stored in.
 */
function termForms(term: string): string[] {
  const mac = normalizeMac(term) ?? (/^[0-9a-f]{2}(?:-[0-9a-f]{2})+$/.test(term) ? term.replaceAll('-', ':') : null);
  return mac && mac !== term ? [term, mac] : [term];
}

/** One lowercase string per device, built once per list, so a search over 100,000 rows is a plain scan. */
function searchIndex(devices: ListedDevice[]): string[] {
  return devices.map((d) => [d.hostname, d.mac, d.ip, d.assetTag, d.serial, d.model, d.vendor, d.location, d.notes].join('\u0000').toLowerCase());
}

export function DevicesPage() {
  const devices = useApp((s) => s.devices);
  const loaded = useApp((s) => s.devicesLoaded);
  const conflicts = useApp((s) => s.conflicts);
  const deleteDevice = useApp((s) => s.deleteDevice);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const [pendingOnly, setPendingOnly] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<ListedDevice | null>(null);

  const index = useMemo(() => searchIndex(devices), [devices]);
  const inConflict = useMemo(() => new Set(conflicts.map((c) => c.deviceUuid)), [conflicts]);
  // Typing stays responsive: the filter runs on the deferred query, after the keystroke is drawn.
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const rows = useMemo(() => {
    const terms = deferredQuery.split(/\s+/).filter(Boolean).map(termForms);
    return devices.filter(
      (d, i) => (!status || d.status === status) && (!pendingOnly || d.pending) && terms.every((forms) => forms.some((t) => index[i].includes(t))),
    );
  }, [devices, index, deferredQuery, status, pendingOnly]);
  const pendingCount = useMemo(() => devices.filter((d) => d.pending).length, [devices]);
  // Deletions waiting to sync are listed, struck through, but are no longer devices of the site.
  const liveTotal = useMemo(() => devices.filter((d) => d.deletedAt === null).length, [devices]);
  const liveShown = useMemo(() => rows.filter((d) => d.deletedAt === null).length, [rows]);

  return (
    <PageSection
      name="devices"
      title="Devices"
      sub={
        <>
          {loaded ? `${liveShown.toLocaleString()} of ${liveTotal.toLocaleString()} devices` : 'Loading…'}
          {pendingCount > 0 && <span className="sub-pending"> · {pendingCount.toLocaleString()} waiting to sync</span>}
        </>
      }
      actions={
        <button type="button" className="button-primary" onClick={() => setEditing({ device: null })}>
          Add device
        </button>
      }
    >
      <div className="toolbar" role="search">
        <label className="search">
          <span className="visually-hidden">Search devices</span>
          <input type="search" placeholder="Search host name, MAC, IP, asset tag, location…" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label className="toolbar-field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            {DEVICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar-check">
          <input type="checkbox" checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} />
          <span>Waiting to sync only</span>
        </label>
      </div>

      {loaded && devices.length === 0 ? (
        <div className="empty">
          <h2>No devices yet</h2>
          <p>Add the first device of this site. It is saved on this PC at once and reaches the cloud with the next sync.</p>
          <button type="button" className="button-primary" onClick={() => setEditing({ device: null })}>
            Add device
          </button>
        </div>
      ) : (
        <DeviceTable rows={rows} inConflict={inConflict} onEdit={(device) => setEditing({ device })} onDelete={setDeleting} />
      )}

      {editing && <DeviceForm device={editing.device} onClose={() => setEditing(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete this device?"
          confirmLabel="Delete device"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const uuid = deleting.uuid;
            setDeleting(null);
            void deleteDevice(uuid);
          }}
        >
          <p>
            <strong>{deviceLabel(deleting, deleting.uuid)}</strong> will be removed from this PC and, with the next sync, from the cloud and every
            other PC of the site.
          </p>
        </ConfirmDialog>
      )}
    </PageSection>
  );
}
