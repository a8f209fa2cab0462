import { useState } from 'react';
import type { ConflictView, Resolution } from '../../../src/contract/ipc';
import { SYNC_FIELDS, type SyncField } from '../../../src/domain/device';
import { deviceFieldSchemas } from '../../../src/domain/validation';
import { deviceLabel, FIELD_LABELS, formatTime } from '../format';
import { useFocusIfLost } from '../components/use-focus-if-lost';
import { CallFailure } from '../sitesync';
import { useApp } from '../store';

type Choice = { from: 'local' | 'cloud' } | { typed: string };

function shown(value: string | null | undefined) {
  return value === null || value === undefined || value === '' ? <span className="muted">(empty)</span> : value;
}

/**
 * Update conflict: the fields that differ anywhere; disputed ones need a
 * choice, the others were merged automatically. Delete conflict: the values
 * the live side holds (the deleted side holds none), its changes marked.
 */
function visibleFields(conflict: ConflictView): SyncField[] {
  if (conflict.kind === 'delete') {
    const live = conflict.local.deletedAt ? conflict.remote : conflict.local;
    return SYNC_FIELDS.filter((f) => conflict.fields.includes(f) || (live[f] ?? '') !== '');
  }
  return SYNC_FIELDS.filter(
    (f) => conflict.fields.includes(f) || conflict.local[f] !== conflict.remote[f] || (conflict.base !== null && conflict.base[f] !== conflict.local[f]),
  );
}

const deletedCell = <span className="muted">deleted</span>;

/** The tag beside a field's name: what the person must do about it, or what happened to it. */
function fieldTag(conflict: ConflictView, field: SyncField, chosen: boolean) {
  if (conflict.kind === 'delete') return conflict.fields.includes(field) ? <span className="tag tag-warn">changed</span> : null;
  if (!conflict.fields.includes(field)) return <span className="tag">merged</span>;
  return chosen ? <span className="tag">chosen</span> : <span className="tag tag-danger">choose</span>;
}

/**
 * Side by side: what both last agreed on (base), this PC, and the cloud.
 * Each disputed field takes this PC's value, the cloud's, or one typed here;
 * or one side is kept whole.
 */
export function ConflictResolver({ conflict }: { conflict: ConflictView }) {
  const resolveConflict = useApp((s) => s.resolveConflict);
  const [choices, setChoices] = useState<Partial<Record<SyncField, Choice>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The next conflict takes the focus the resolved one's buttons had.
  const heading = useFocusIfLost<HTMLHeadingElement>();
  const fields = visibleFields(conflict);
  const label = deviceLabel(conflict.local.deletedAt ? conflict.remote : conflict.local, conflict.deviceUuid);

  const typedError = (field: SyncField): string | null => {
    const choice = choices[field];
    if (!choice || !('typed' in choice)) return null;
    const result = deviceFieldSchemas[field].safeParse(choice.typed);
    return result.success ? null : result.error.issues[0].message;
  };
  const undecided = conflict.fields.filter((f) => !choices[f]);
  const invalid = conflict.fields.some((f) => typedError(f) !== null);

  const resolve = async (resolution: Resolution) => {
    setBusy(true);
    setError(null);
    try {
      await resolveConflict(conflict, resolution);
    } catch (failure) {
      setError(failure instanceof CallFailure ? failure.message : String(failure));
      setBusy(false);
    }
  };

  const applyChoices = () => {
    const picked: Extract<Resolution, { fields: unknown }>['fields'] = {};
    for (const f of conflict.fields) {
      const choice = choices[f]!;
      picked[f] = 'typed' in choice ? { value: choice.typed } : { from: choice.from };
    }
    void resolve({ fields: picked });
  };

  const header = (
    <div className="resolver-head">
      <div>
        <h2 ref={heading} tabIndex={-1}>
          {label}
        </h2>
        <p className="page-sub">
          Detected {formatTime(conflict.detectedAt)} · cloud version {conflict.remoteVersion}
        </p>
      </div>
    </div>
  );

  const comparison = (
    <table className="compare" aria-label={`Values of ${label}`}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Last synced</th>
          <th scope="col">This PC</th>
          <th scope="col">Cloud</th>
          {conflict.kind !== 'delete' && <th scope="col">Or type a value</th>}
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => {
          const disputed = conflict.kind !== 'delete' && conflict.fields.includes(f);
          const choice = choices[f];
          const fieldError = typedError(f);
          const radio = (from: 'local' | 'cloud') => (
            <label className={`pick${choice && 'from' in choice && choice.from === from ? ' pick-on' : ''}`}>
              <input type="radio" name={`choice-${f}`} checked={!!choice && 'from' in choice && choice.from === from} onChange={() => setChoices((c) => ({ ...c, [f]: { from } }))} />
              <span className="pick-value">{shown(from === 'local' ? conflict.local[f] : conflict.remote[f])}</span>
              <span className="visually-hidden">{from === 'local' ? ` keep this PC’s ${FIELD_LABELS[f]}` : ` keep the cloud’s ${FIELD_LABELS[f]}`}</span>
            </label>
          );
          return (
            <tr key={f} className={disputed ? 'row-disputed' : conflict.kind === 'delete' ? undefined : 'row-merged'} data-field={f}>
              <th scope="row">
                {FIELD_LABELS[f]}
                {fieldTag(conflict, f, choice !== undefined)}
              </th>
              <td className="base">{shown(conflict.base?.[f])}</td>
              {conflict.local.deletedAt ? (
                <td>{deletedCell}</td>
              ) : (
                <td className={conflict.local[f] !== conflict.base?.[f] ? 'changed' : undefined}>{disputed ? radio('local') : shown(conflict.local[f])}</td>
              )}
              {conflict.remote.deletedAt ? (
                <td>{deletedCell}</td>
              ) : (
                <td className={conflict.remote[f] !== conflict.base?.[f] ? 'changed' : undefined}>{disputed ? radio('cloud') : shown(conflict.remote[f])}</td>
              )}
              {conflict.kind !== 'delete' && (
                <td>
                  {disputed && (
                    <div className={`pick pick-typed${choice && 'typed' in choice ? ' pick-on' : ''}`}>
                      <input
                        type="radio"
                        name={`choice-${f}`}
                        aria-label={`Type a ${FIELD_LABELS[f]}`}
                        checked={!!choice && 'typed' in choice}
                        onChange={() => setChoices((c) => ({ ...c, [f]: { typed: conflict.local[f] ?? '' } }))}
                      />
                      <input
                        type="text"
                        aria-label={`${FIELD_LABELS[f]} typed value`}
                        aria-invalid={fieldError ? true : undefined}
                        aria-describedby={fieldError ? `typed-${f}-error` : undefined}
                        value={choice && 'typed' in choice ? choice.typed : ''}
                        placeholder="Other value"
                        onChange={(e) => setChoices((c) => ({ ...c, [f]: { typed: e.target.value } }))}
                      />
                      {fieldError && (
                        <p id={`typed-${f}-error`} className="field-error">
                          {fieldError}
                        </p>
                      )}
                    </div>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );

  if (conflict.kind === 'delete') {
    const deletedHere = conflict.local.deletedAt !== null;
    return (
      <article className="resolver" aria-label={`Conflict of ${label}`}>
        {header}
        <p className="resolver-explain">
          {deletedHere
            ? 'This PC deleted the device while someone changed it in the cloud.'
            : 'The device was deleted in the cloud while this PC changed it.'}
        </p>
        {comparison}
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="resolver-actions">
          <button type="button" className="button-danger" disabled={busy} onClick={() => void resolve({ take: deletedHere ? 'local' : 'cloud' })}>
            Keep deleted
          </button>
          <button type="button" className="button-primary" disabled={busy} onClick={() => void resolve({ take: deletedHere ? 'cloud' : 'local' })}>
            {deletedHere ? 'Restore the cloud’s version' : 'Restore with this PC’s changes'}
          </button>
        </div>
      </article>
    );
  }

  return (
    <article className="resolver" aria-label={`Conflict of ${label}`}>
      {header}
      <p className="resolver-explain">
        {conflict.fields.length === 1 ? 'One field was' : `${conflict.fields.length} fields were`} changed differently on this PC and in the cloud.
        Pick a value for each, or keep one side whole. Other changes were merged automatically.
      </p>
      {comparison}
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="resolver-actions">
        <button type="button" className="button-secondary" disabled={busy} onClick={() => void resolve({ take: 'local' })}>
          Keep all mine
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => void resolve({ take: 'cloud' })}>
          Keep all cloud
        </button>
        <button type="button" className="button-primary" disabled={busy || undecided.length > 0 || invalid} onClick={applyChoices}>
          {undecided.length > 0 ? `Choose ${undecided.length} more` : 'Apply choices'}
        </button>
      </div>
    </article>
  );
}
