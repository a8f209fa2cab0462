import { useEffect } from 'react';
import { useApp } from '../store';

/** How long a success stays up: long enough to read, gone before it sits beside a later error. Errors stay until dismissed. */
const SUCCESS_SHOWN_MS = 8000;

/** The result of the last action, success or failure, announced to screen readers. */
export function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const notify = useApp((s) => s.notify);
  useEffect(() => {
    if (notice?.kind !== 'success') return;
    const timer = setTimeout(() => {
      if (useApp.getState().notice === notice) notify(null);
    }, SUCCESS_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice, notify]);
  return (
    <div className="notice-slot" role="status" aria-live="polite">
      {notice && (
        <div className={`notice notice-${notice.kind}`}>
          <span>{notice.text}</span>
          <button type="button" className="button-quiet" onClick={() => notify(null)} aria-label="Dismiss message">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
