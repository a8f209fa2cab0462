import { useEffect, useState } from 'react';
import { useApp } from '../store';

/** How long a success stays up: long enough to read, gone before it sits beside a later error. Errors stay until dismissed. */
const SUCCESS_SHOWN_MS = 8000;

/**
 * The result of the last action, success or failure, announced to screen
 * readers. A success goes by itself, but not while the pointer rests on it
 * or focus is in it: whoever is reading it keeps it (WCAG 2.2.1); the time
 * starts again when they leave.
 */
export function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const notify = useApp((s) => s.notify);
  // Held per notice: a hold on one (its × clicked while focused, so no blur) never keeps the next one up.
  const [heldNotice, setHeldNotice] = useState<typeof notice>(null);
  const held = heldNotice !== null && heldNotice === notice;
  useEffect(() => {
    if (notice?.kind !== 'success' || held) return;
    const timer = setTimeout(() => {
      if (useApp.getState().notice === notice) notify(null);
    }, SUCCESS_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice, notify, held]);
  return (
    <div className="notice-slot" role="status" aria-live="polite">
      {notice && (
        <div
          className={`notice notice-${notice.kind}`}
          onMouseEnter={() => setHeldNotice(notice)}
          onMouseLeave={() => setHeldNotice(null)}
          onFocus={() => setHeldNotice(notice)}
          onBlur={() => setHeldNotice(null)}
        >
          <span>{notice.text}</span>
          <button type="button" className="button-quiet" onClick={() => notify(null)} aria-label="Dismiss message">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
