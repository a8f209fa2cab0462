import { useApp } from '../store';

/** The result of the last action, success or failure, announced to screen readers. */
export function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const notify = useApp((s) => s.notify);
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
