import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { changeCloudDevice, listCloudDevices } from '../../src/cloud/cloud-devices';
import { pickFields, type Device } from '../../src/domain/device';
import { RecordingProxy } from '../support/recording-proxy';
import { startTestCloud, type TestCloud } from '../support/test-cloud';
import { startTestInstance, type TestInstance } from '../support/test-instance';

/**
 * Random creates, edits and deletes on three instances and the cloud, synced
 * in random order with random lost answers; then sync until quiet, resolve
 * every conflict by a fixed rule, and check DESIGN §5's invariants.
 */
const RUNS = Number(process.env.SITESYNC_PROPERTY_RUNS ?? 100);
const INSTANCES = 3;
const EDITABLE = ['hostname', 'ip', 'location', 'notes', 'status'] as const;
type Editable = (typeof EDITABLE)[number];

type Op =
  | { kind: 'create'; at: number }
  | { kind: 'edit'; at: number; pick: number; field: Editable; choice: number }
  | { kind: 'delete'; at: number; pick: number }
  | { kind: 'cloudEdit'; pick: number; field: Editable; choice: number }
  | { kind: 'cloudDelete'; pick: number }
  | { kind: 'sync'; at: number; dropAnswer: boolean };

const instance = fc.integer({ min: 0, max: INSTANCES - 1 });
const field = fc.constantFrom(...EDITABLE);
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), at: instance }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('edit' as const), at: instance, pick: fc.nat(), field, choice: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: instance, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cloudEdit' as const), pick: fc.nat(), field, choice: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cloudDelete' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), at: instance, dropAnswer: fc.boolean() }) },
);

/** A value that is valid for the field and unique to this edit, so each edit can be traced to the end. */
function traceableValue(f: Editable, serial: number, choice: number): string {
  switch (f) {
    case 'ip':
      return `10.${choice}.${Math.floor(serial / 250) % 250}.${(serial % 250) + 1}`;
    case 'status':
      return ['active', 'spare', 'maintenance'][choice];
    case 'hostname':
      return `host-${serial}`;
    default:
      return `${f} ${serial}`;
  }
}

interface Edit {
  at: number;
  uuid: string;
  field: Editable;
  value: string;
  supersededLocally: boolean;
}

function snapshot(devices: Device[]) {
  return new Map(devices.map((d) => [d.uuid, { ...pickFields(d), deleted: d.deletedAt !== null }]));
}

describe('property: replicas converge and no local edit is lost silently', () => {
  let cloud: TestCloud;
  let proxy: RecordingProxy;
  let run = 0;

  before(async () => {
    cloud = await startTestCloud();
    proxy = new RecordingProxy(cloud.url);
    await proxy.start();
  });

  after(async () => {
    await proxy.stop();
    await cloud.stop();
  });

  it(`holds for ${RUNS} random histories`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 15, maxLength: 40, size: 'max' }), async (ops) => {
        const site = `prop-${++run}`;
        const pcs: TestInstance[] = [];
        for (let i = 0; i < INSTANCES; i++) pcs.push(await startTestInstance({ url: proxy.url, enroll: cloud.enroll }, site));
        const edits: Edit[] = [];
        // Every value the cloud ever held, per device and field: an edit that reached it was not lost.
        const cloudHistory = new Set<string>();
        const recordCloud = async () => {
          for (const d of await listCloudDevices(cloud.db, site, true)) for (const f of EDITABLE) cloudHistory.add(`${d.uuid}|${f}|${d[f]}`);
        };
        let serial = 0;
        try {
          for (const op of ops) {
            serial++;
            if (op.kind === 'create') {
              const hex = (run * 1000 + serial).toString(16).padStart(8, '0');
              await pcs[op.at].app.addDevice({ mac: `02:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}` });
            } else if (op.kind === 'edit' || op.kind === 'delete') {
              const live = await pcs[op.at].app.listDevices();
              if (!live.length) continue;
              const target = live[op.pick % live.length];
              if (op.kind === 'delete') {
                await pcs[op.at].app.deleteDevice(target.uuid);
                for (const e of edits) if (e.at === op.at && e.uuid === target.uuid) e.supersededLocally = true;
              } else {
                const value = traceableValue(op.field, serial, op.choice);
                for (const e of edits) if (e.at === op.at && e.uuid === target.uuid && e.field === op.field) e.supersededLocally = true;
                await pcs[op.at].app.editDevice(target.uuid, { [op.field]: value });
                edits.push({ at: op.at, uuid: target.uuid, field: op.field, value, supersededLocally: false });
              }
            } else if (op.kind === 'cloudEdit' || op.kind === 'cloudDelete') {
              const live = await listCloudDevices(cloud.db, site, false);
              if (!live.length) continue;
              const target = live[op.pick % live.length];
              const change = op.kind === 'cloudDelete' ? { delete: true as const } : { patch: { [op.field]: traceableValue(op.field, serial, op.choice) } };
              await changeCloudDevice(cloud.db, target.uuid, change, new Date().toISOString());
              await recordCloud();
            } else {
              if (op.dropAnswer) proxy.dropNextPushAnswers(1);
              await pcs[op.at].app.sync();
              proxy.dropNextPushAnswers(0);
              await recordCloud();
            }
          }

          // Sync until quiet, resolving every conflict by a fixed rule: even ids keep this PC, odd ids the cloud.
          let quiet = false;
          for (let round = 0; round < 10 && !quiet; round++) {
            for (const pc of pcs) {
              await pc.sync();
              await recordCloud();
              for (const conflict of await pc.app.listConflicts()) await pc.app.resolveConflict(conflict.id, { take: conflict.id % 2 === 0 ? 'local' : 'cloud' });
            }
            const statuses = await Promise.all(pcs.map((pc) => pc.app.status()));
            quiet = statuses.every((s) => s.pendingChanges === 0 && s.openConflicts === 0);
          }
          assert.ok(quiet, 'the site became quiet');
          for (const pc of pcs) await pc.sync();

          const truth = snapshot(await listCloudDevices(cloud.db, site, true));
          for (const [i, pc] of pcs.entries()) assert.deepEqual(snapshot(await pc.app.listDevices({ all: true })), truth, `instance ${i} equals the cloud`);

          for (const edit of edits) {
            if (edit.supersededLocally || cloudHistory.has(`${edit.uuid}|${edit.field}|${edit.value}`)) continue;
            const decided = (await pcs[edit.at].app.listConflicts({ all: true })).some(
              (c) => c.deviceUuid === edit.uuid && c.resolvedAt !== null && c.local[edit.field] === edit.value,
            );
            assert.ok(decided, `edit ${edit.field}=${edit.value} on instance ${edit.at} reached the cloud or was decided by a person`);
          }
        } finally {
          proxy.dropNextPushAnswers(0);
          for (const pc of pcs) await pc.close();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
