import { useState, type FormEvent } from 'react';
import type { ListedDevice } from '../../../src/contract/ipc';
import type { SyncField } from '../../../src/domain/device';
import { DEVICE_STATUSES, deviceFieldSchemas, type DeviceFieldsPatch } from '../../../src/domain/validation';
import { Modal } from '../components/Modal';
import { FIELD_LABELS } from '../format';
import { CallFailure } from '../sitesync';
import { useApp } from '../store';

/** Form order: what identifies a device first, then where it is and what it is. */
const FORM_FIELDS: SyncField[] = ['mac', 'ip', 'hostname', 'assetTag', 'serial', 'model', 'vendor', 'location', 'status', 'notes'];

const PLACEHOLDERS: Partial<Record<SyncField, string>> = {
  mac: 'aa:bb:cc:dd:ee:ff',
  ip: '192.168.1.20 or 2001:db8::1',
  hostname: 'sw-core-01',
  assetTag: 'IT-004211',
  location: 'Building A, rack 3',
};

type Values = Record<SyncField, string>;

function initialValues(device: ListedDevice | null): Values {
  return Object.fromEntries(FORM_FIELDS.map((f) => [f, device?.[f] ?? (f === 'status' ? 'active' : '')])) as Values;
}

/** The same rule the core applies (src/domain), run as the person types. */
function checkField(field: SyncField, value: string): { error: string | null; normalized: string | null } {
  const result = deviceFieldSchemas[field].safeParse(value);
  return result.success ? { error: null, normalized: result.data } : { error: result.error.issues[0].message, normalized: null };
}

interface DeviceFormProps {
  device: ListedDevice | null;
  onClose: () => void;
}

export function DeviceForm({ device, onClose }: DeviceFormProps) {
  const addDevice = useApp((s) => s.addDevice);
  const editDevice = useApp((s) => s.editDevice);
  const notify = useApp((s) => s.notify);
  const [values, setValues] = useState<Values>(() => initialValues(device));
  const [touched, setTouched] = useState<Set<SyncField>>(new Set());
  const [serverErrors, setServerErrors] = useState<Partial<Record<SyncField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const checks = Object.fromEntries(FORM_FIELDS.map((f) => [f, checkField(f, values[f])])) as Record<SyncField, ReturnType<typeof checkField>>;
  const identityMissing = values.mac.trim() === '' && values.assetTag.trim() === '';
  const errorOf = (field: SyncField): string | null => {
    if (!touched.has(field)) return null;
    if (checks[field].error) return checks[field].error;
    if (field === 'mac' && identityMissing) return 'Enter a MAC address or an asset tag (at least one is required).';
    return serverErrors[field] ?? null;
  };

  const change = (field: SyncField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setTouched((t) => new Set(t).add(field));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(new Set(FORM_FIELDS));
    const invalid = FORM_FIELDS.find((f) => checks[f].error) ?? (identityMissing ? 'mac' : undefined);
    if (invalid) {
      document.getElementById(`field-${invalid}`)?.focus();
      return;
    }
    // An edit sends only what changed, so a sync merges it field by field.
    const original = initialValues(device);
    const patch: DeviceFieldsPatch = {};
    for (const f of FORM_FIELDS) if (!device || values[f] !== original[f]) patch[f] = values[f];
    setSaving(true);
    try {
      if (device) await editDevice(device.uuid, patch);
      else await addDevice(patch);
      notify({ kind: 'success', text: device ? 'Device saved on this PC. Its row says Synced once the cloud has it.' : 'Device added on this PC. Its row says Synced once the cloud has it.' });
      onClose();
    } catch (error) {
      if (error instanceof CallFailure && error.error.issues?.length) {
        const byField: Partial<Record<SyncField, string>> = {};
        for (const f of FORM_FIELDS) byField[f] = error.issueFor(f) ?? undefined;
        setServerErrors(byField);
        const first = FORM_FIELDS.find((f) => byField[f]);
        if (first) document.getElementById(`field-${first}`)?.focus();
        else setFormError(error.message);
      } else {
        setFormError(error instanceof Error ? error.message : String(error));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal title={device ? 'Edit device' : 'Add device'} onClose={onClose} wide>
      <form className="device-form" onSubmit={submit} noValidate aria-label={device ? 'Edit device' : 'Add device'}>
        <div className="form-grid">
          {FORM_FIELDS.map((field) => {
            const error = errorOf(field);
            const { normalized } = checks[field];
            const hint = !error && normalized && normalized !== values[field].trim() ? `Saved as ${normalized}` : null;
            const id = `field-${field}`;
            const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
            const common = {
              id,
              name: field,
              value: values[field],
              'aria-invalid': error ? true : undefined,
              'aria-describedby': describedBy,
            };
            return (
              <div key={field} className={`form-field form-field-${field}${error ? ' has-error' : ''}`}>
                <label htmlFor={id}>
                  {FIELD_LABELS[field]}
                  {(field === 'mac' || field === 'assetTag') && <span className="label-note"> (MAC or asset tag required)</span>}
                </label>
                {field === 'status' ? (
                  <select {...common} onChange={(e) => change(field, e.target.value)}>
                    {DEVICE_STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                ) : field === 'notes' ? (
                  <textarea {...common} rows={3} onChange={(e) => change(field, e.target.value)} />
                ) : (
                  <input
                    {...common}
                    type="text"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={PLACEHOLDERS[field]}
                    data-autofocus={field === 'mac' ? true : undefined}
                    onChange={(e) => change(field, e.target.value)}
                  />
                )}
                {error && (
                  <p id={`${id}-error`} className="field-error" data-testid={`error-${field}`}>
                    {error}
                  </p>
                )}
                {hint && (
                  <p id={`${id}-hint`} className="field-hint">
                    {hint}
                  </p>
                )}
              </div>
            );
          })}
        </div>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={saving}>
            {saving ? 'Saving…' : device ? 'Save changes' : 'Add device'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
