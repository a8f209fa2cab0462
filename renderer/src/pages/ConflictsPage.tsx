import { PageSection } from '../components/PageSection';
import { useFocusIfLost } from '../components/use-focus-if-lost';
import { useState } from 'react';
import type { ConflictView } from '../../../src/contract/ipc';
import { deviceLabel, FIELD_LABELS, formatWhen } from '../format';
import { useApp } from '../store';
import { ConflictResolver } from './ConflictResolver';

const KIND_WORDS = { update: 'Both changed', identity: 'Same MAC or asset tag' } as const;

/** What happened, in the list: for a deletion, on which side. */
function kindWords(conflict: ConflictView): string {
  if (conflict.kind !== 'delete') return KIND_WORDS[conflict.kind];
  return conflict.local.deletedAt ? 'Deleted here, changed in the cloud' : 'Deleted in the cloud, changed here';
}

export function ConflictsPage() {
  const conflicts = useApp((s) => s.conflicts);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const selected = conflicts.find((c) => c.id === selectedId) ?? conflicts[0] ?? null;

  return (
    <PageSection
      name="conflicts"
      title="Conflicts"
      sub={
        conflicts.length === 0
          ? 'Nothing to decide.'
          : `${conflicts.length} device${conflicts.length === 1 ? '' : 's'} changed on this PC and in the cloud. Choose what to keep.`
      }
    >
      {conflicts.length === 0 ? (
        <NoConflicts />
      ) : (
        <div className="conflicts-layout">
          <nav className="conflict-list" aria-label="Open conflicts">
            <ul>
              {conflicts.map((c) => {
                const side = c.local.deletedAt ? c.remote : c.local;
                return (
                  <li key={c.id}>
                    <button type="button" className="conflict-item" aria-current={c.id === selected?.id ? 'true' : undefined} onClick={() => setSelectedId(c.id)}>
                      <span className="conflict-item-title">{deviceLabel(side, c.deviceUuid)}</span>
                      <span className="conflict-item-meta">
                        {kindWords(c)} · {c.fields.map((f) => FIELD_LABELS[f]).join(', ') || 'whole device'}
                      </span>
                      <span className="conflict-item-meta">{formatWhen(c.detectedAt)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </nav>
          {selected && <ConflictResolver key={`${selected.id}-${selected.remoteVersion}`} conflict={selected} />}
        </div>
      )}
    </PageSection>
  );
}

/** Nothing left to decide; after the last resolution, focus comes here rather than to the page. */
function NoConflicts() {
  const heading = useFocusIfLost<HTMLHeadingElement>();
  return (
    <div className="empty">
      <h2 ref={heading} tabIndex={-1}>
        No conflicts
      </h2>
      <p>When this PC and the cloud change the same field of a device differently, the device waits here until you choose. Nothing is overwritten meanwhile.</p>
    </div>
  );
}
