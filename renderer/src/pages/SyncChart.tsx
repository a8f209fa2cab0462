import type { SyncLogView } from '../../../src/contract/ipc';
import { formatDuration, formatTime } from '../format';

const WIDTH = 1000;
const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 24, left: 48 };

/**
 * Recent attempts, oldest on the left: a bar per attempt for its duration
 * (coloured by outcome) and a line for the records it moved. Plain SVG, so
 * no chart library and nothing the CSP must allow.
 */
export function SyncChart({ attempts }: { attempts: SyncLogView[] }) {
  const recent = attempts.slice(0, 40).reverse();
  if (recent.length === 0) return <p className="muted">No sync attempts yet.</p>;
  const durations = recent.map((a) => Math.max(0, Date.parse(a.finishedAt) - Date.parse(a.startedAt)));
  const counts = recent.map((a) => a.sent + a.received);
  const maxDuration = Math.max(...durations, 1);
  const maxCount = Math.max(...counts, 1);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerW / recent.length;
  const x = (i: number) => PAD.left + i * slot + slot / 2;
  const countPath = counts.map((c, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${(PAD.top + innerH - (c / maxCount) * innerH).toFixed(1)}`).join(' ');
  const summary = `${recent.length} attempts; longest ${formatDuration(maxDuration)}; most records in one attempt ${maxCount}; ${recent.filter((a) => a.status === 'error').length} failed.`;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Sync durations and records moved. ${summary}`}>
        <line className="chart-axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + innerH} y2={PAD.top + innerH} />
        <text className="chart-label" x={PAD.left - 6} y={PAD.top + 8} textAnchor="end">
          {formatDuration(maxDuration)}
        </text>
        <text className="chart-label" x={PAD.left - 6} y={PAD.top + innerH} textAnchor="end">
          0
        </text>
        {recent.map((a, i) => {
          const h = Math.max(2, (durations[i] / maxDuration) * innerH);
          return (
            <rect key={a.id} className={`chart-bar chart-bar-${a.status}`} x={x(i) - slot * 0.35} width={slot * 0.7} y={PAD.top + innerH - h} height={h} rx={2}>
              <title>{`${formatTime(a.startedAt)} · ${a.direction} · ${a.status} · ${formatDuration(durations[i])} · ${counts[i]} records`}</title>
            </rect>
          );
        })}
        <path className="chart-line" d={countPath} />
        <text className="chart-label" x={PAD.left} y={HEIGHT - 6}>
          older
        </text>
        <text className="chart-label" x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end">
          newer
        </text>
      </svg>
      <figcaption className="chart-legend">
        <span className="legend legend-ok">ok</span>
        <span className="legend legend-partial">partial</span>
        <span className="legend legend-error">failed</span>
        <span className="legend legend-line">records moved (max {maxCount})</span>
      </figcaption>
    </figure>
  );
}
