import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ListedDevice } from '../../../src/contract/ipc';
import type { SyncField } from '../../../src/domain/device';
import { deviceLabel, FIELD_LABELS } from '../format';

const ROW_HEIGHT = 44;
/** The plain-text columns, between the sync marker and the status; a narrow window hides the secondary ones. */
const TEXT_COLUMNS: { field: SyncField; className: string; secondary?: boolean }[] = [
  { field: 'hostname', className: 'cell cell-strong' },
  { field: 'mac', className: 'cell mono' },
  { field: 'ip', className: 'cell mono' },
  { field: 'assetTag', className: 'cell', secondary: true },
  { field: 'location', className: 'cell', secondary: true },
];
const SECONDARY = ' col-secondary';
/** Header names, each hidden with its column. */
const COLUMNS = [
  { name: 'Sync', className: 'cell' },
  ...TEXT_COLUMNS.map((c) => ({ name: FIELD_LABELS[c.field], className: `cell${c.secondary ? SECONDARY : ''}` })),
  { name: 'Status', className: 'cell' },
  { name: 'Actions', className: 'cell' },
];

interface DeviceTableProps {
  rows: ListedDevice[];
  inConflict: Set<string>;
  onEdit: (device: ListedDevice) => void;
  onDelete: (device: ListedDevice) => void;
}

/**
 * Only the rows in view (plus a few) exist in the DOM, so scrolling stays
 * smooth at 100,000 devices. ARIA row counts and indexes tell a screen
 * reader how big the table really is.
 */
export function DeviceTable({ rows, inConflict, onEdit, onDelete }: DeviceTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index].uuid,
  });

  return (
    <div className="table-wrap">
      {rows.length === 0 && <p className="table-empty">No device matches this search.</p>}
      <div className="table" role="table" aria-label="Devices" aria-rowcount={rows.length + 1}>
      <div role="rowgroup" className="table-head">
        <div role="row" aria-rowindex={1} className="table-row">
          {COLUMNS.map((c) => (
            <div key={c.name} role="columnheader" className={c.className}>
              {c.name}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="table-body" role="rowgroup" data-testid="device-rows">
        <div className="table-spacer" style={{ height: virtualizer.getTotalSize() }} role="presentation">
          {virtualizer.getVirtualItems().map((item) => {
            const device = rows[item.index];
            const label = deviceLabel(device, device.uuid);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`table-row${item.index % 2 ? ' table-row-alt' : ''}${device.deletedAt !== null ? ' table-row-deleted' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                data-uuid={device.uuid}
              >
                <div role="cell" className="cell">
                  {inConflict.has(device.uuid) ? (
                    <span className="marker marker-conflict" title="This device has a conflict to resolve">
                      Conflict
                    </span>
                  ) : device.deletedAt !== null ? (
                    <span className="marker marker-pending" title="Deleted on this PC; the cloud does not have the deletion yet" data-testid="pending-marker">
                      Deleting
                    </span>
                  ) : device.pending ? (
                    <span className="marker marker-pending" title="Changed on this PC, not yet in the cloud" data-testid="pending-marker">
                      Pending
                    </span>
                  ) : (
                    <span className="marker marker-synced" title="In the cloud">
                      Synced
                    </span>
                  )}
                </div>
                {TEXT_COLUMNS.map(({ field, className, secondary }) => (
                  <div key={field} role="cell" className={`${className}${secondary ? SECONDARY : ''}`}>
                    {device[field] ?? <span className="muted">—</span>}
                  </div>
                ))}
                <div role="cell" className="cell">
                  <span className={`status status-${device.status ?? 'none'}`}>{device.status ?? '—'}</span>
                </div>
                <div role="cell" className="cell cell-actions">
                  {device.deletedAt === null && (
                    <>
                      <button type="button" className="button-small" onClick={() => onEdit(device)} aria-label={`Edit ${label}`}>
                        Edit
                      </button>
                      <button type="button" className="button-small button-small-danger" onClick={() => onDelete(device)} aria-label={`Delete ${label}`}>
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
    </div>
  );
}
