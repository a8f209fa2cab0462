import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Device } from '../domain/device';
import { SYNC_FIELDS, type SyncField } from '../domain/device';
import { defaultDataDir } from '../app/paths';
import { LocalApp } from '../app/local-app';
import { ProgressLine } from './progress-line';
import { LOCAL_DB_FILE } from '../db/local/data-source';
import type { ResolutionInput } from '../sync/conflicts';
import { SyncFailure } from '../sync/sync-failure';
import { fieldsFromFlags, withDeviceFlags } from './device-flags';
import { EXIT_FAILED, EXIT_OK, UsageError, formatRecord, formatTable, printer, type Printer } from './output';

interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

type Action = (app: LocalApp, print: Printer) => Promise<void | number>;

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty, or gone: either way not ours to remove.
  }
}

/** Opens the data dir for one command, always closes it; a returned number is the exit status. */
function withApp(command: Command, action: Action) {
  return async () => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const app = await LocalApp.open({ dataDir: options.dataDir ?? defaultDataDir() });
    try {
      const status = await action(app, printer(options.json ?? false));
      if (typeof status === 'number') process.exitCode = status;
    } finally {
      await app.close();
    }
  };
}

const DEVICE_COLUMNS = ['uuid', 'hostname', 'mac', 'ip', 'assetTag', 'location', 'status', 'deletedAt'];

function parseId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new InvalidArgumentError('expected a conflict id (a whole number)');
  return id;
}

function parseVersion(value: string): number {
  const version = Number(value);
  if (!Number.isInteger(version) || version < 0) throw new InvalidArgumentError('expected the remoteVersion `conflicts list` shows (a whole number)');
  return version;
}

function parseAssignment(kind: 'set' | 'pick') {
  return (value: string, previous: [SyncField, string][] = []): [SyncField, string][] => {
    const at = value.indexOf('=');
    // As the device flags spell it (asset-tag) or as the JSON does (assetTag).
    const field = value.slice(0, Math.max(at, 0)).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()) as SyncField;
    if (at < 1 || !(SYNC_FIELDS as readonly string[]).includes(field)) {
      throw new InvalidArgumentError(`expected FIELD=${kind === 'set' ? 'VALUE' : 'local|cloud'} with FIELD one of ${SYNC_FIELDS.join(', ')}`);
    }
    const rest = value.slice(at + 1);
    if (kind === 'pick' && rest !== 'local' && rest !== 'cloud') throw new InvalidArgumentError('expected FIELD=local or FIELD=cloud');
    return [...previous, [field, rest]];
  };
}

export function registerLocalCommands(program: Command): void {
  program
    .command('init')
    .description('enrol this data dir as an instance; the site comes from the token')
    .requiredOption('--cloud <url>', 'the cloud server, e.g. https://sitesync.example.com')
    .requiredOption('--token <token>', 'the token printed by `sitesync cloud enroll`')
    .action(async function (this: Command) {
      const dataDir = this.optsWithGlobals<GlobalOptions>().dataDir ?? defaultDataDir();
      const dirExisted = existsSync(dataDir);
      const dbExisted = existsSync(join(dataDir, LOCAL_DB_FILE));
      try {
        await withApp(this, async (app, print) => {
          const options = this.opts<{ cloud: string; token: string }>();
          const status = await app.init(options.cloud, options.token);
          print.result(status, (s) => `enrolled instance ${s.instanceId} of site ${s.siteId} with ${s.cloudUrl}`);
        })();
      } catch (error) {
        // A failed first enrolment leaves no empty database behind (nothing written, as for any failure).
        if (!dbExisted) for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, LOCAL_DB_FILE + suffix), { force: true });
        // The folder it made, only if nothing else is in it.
        if (!dirExisted) rmdirQuietly(dataDir);
        throw error;
      }
    });

  const device = program.command('device').description('record and change devices on this PC');
  withDeviceFlags(device.command('add').description('validate, normalise and store a new device'), { edits: false }).action(function (this: Command) {
    return withApp(this, async (app, print) => print.result(await app.addDevice(fieldsFromFlags(this.opts())), formatRecord))();
  });
  withDeviceFlags(device.command('edit').argument('<uuid>').description('change only the given fields'), { edits: true }).action(function (this: Command, uuid: string) {
    return withApp(this, async (app, print) => print.result(await app.editDevice(uuid, fieldsFromFlags(this.opts())), formatRecord))();
  });
  device
    .command('delete')
    .argument('<uuid>')
    .description('delete a device (it stays as a tombstone so the deletion syncs)')
    .action(function (this: Command, uuid: string) {
      return withApp(this, async (app, print) => print.result(await app.deleteDevice(uuid), formatRecord))();
    });
  device
    .command('show')
    .argument('<uuid>')
    .action(function (this: Command, uuid: string) {
      return withApp(this, async (app, print) => print.result(await app.getDevice(uuid), formatRecord))();
    });
  device
    .command('list')
    .option('--all', 'include deleted devices (tombstones)')
    .action(function (this: Command) {
      return withApp(this, async (app, print) =>
        print.result(await app.listDevices({ all: this.opts().all }), (rows: Device[]) => formatTable(rows, DEVICE_COLUMNS)),
      )();
    });

  program
    .command('sync')
    .description('one sync now: push, then pull')
    .option('--push-only', 'only send local changes')
    .option('--pull-only', 'only bring the cloud changes')
    .action(function (this: Command) {
      return withApp(this, async (app, print) => {
        const { pushOnly, pullOnly } = this.opts();
        if (pushOnly && pullOnly) throw new UsageError('choose at most one of --push-only and --pull-only');
        const cloudUrl = print.interactive ? (await app.meta()).cloudUrl : null;
        const line = cloudUrl ? new ProgressLine(process.stderr, cloudUrl) : null;
        const { failure, refusal, push = null, pull = null } = await app
          .sync({ direction: pushOnly ? 'push' : pullOnly ? 'pull' : 'both', trigger: 'manual', onProgress: line?.update })
          .finally(() => line?.end());
        // No attempt at all: the enrolment could not be used (never made, or in clear text).
        if (!push && !pull) throw new SyncFailure(failure ?? 'unauthorized', refusal ?? 'no attempt was made');
        // Both keys always: null for an attempt not made (--push-only, or no pull after a push the cloud could not take).
        print.result({ push, pull }, (attempts) =>
          Object.entries(attempts)
            .flatMap(([direction, a]) => (a ? [`${direction}: ${a.status}  sent ${a.sent}, received ${a.received}, applied ${a.applied}, conflicts ${a.conflicts}, rejected ${a.rejected}, skipped ${a.skipped}`] : []))
            .join('\n'),
        );
        const failed = [push, pull].find((attempt) => attempt?.status === 'error');
        if (!failed) return EXIT_OK;
        print.failure(new SyncFailure(failed.failureKind ?? failure ?? 'offline', `${failed === push ? 'push' : 'pull'} failed: ${failed.error}`));
        return EXIT_FAILED;
      })();
    });

  const conflicts = program.command('conflicts').description('changes made on both sides that need a person');
  conflicts
    .command('list')
    .option('--all', 'include resolved conflicts')
    .action(function (this: Command) {
      return withApp(this, async (app, print) =>
        print.result(await app.listConflicts({ all: this.opts().all }), (rows) => formatTable(rows, ['id', 'deviceUuid', 'kind', 'fields', 'remoteVersion', 'detectedAt', 'resolvedAt'])),
      )();
    });
  conflicts
    .command('resolve')
    .argument('<id>', 'conflict id', parseId)
    .option('--take <side>', 'keep one side whole: local or cloud')
    .option('--set <FIELD=VALUE>', 'a value typed for one field (repeatable); disputed fields not named take the cloud value', parseAssignment('set'))
    .option('--pick <FIELD=SIDE>', 'one field from one side, local or cloud (repeatable)', parseAssignment('pick'))
    .option('--remote-version <n>', 'the cloud version the decision was made against (from `conflicts list`): refused if the cloud moved on since', parseVersion)
    .action(function (this: Command, id: number) {
      return withApp(this, async (app, print) => {
        const opts = this.opts<{ take?: string; set?: [SyncField, string][]; pick?: [SyncField, string][]; remoteVersion?: number }>();
        const { take, set = [], pick = [] } = opts;
        let input: ResolutionInput;
        if (take !== undefined) {
          if (take !== 'local' && take !== 'cloud') throw new UsageError('--take expects local or cloud');
          if (set.length || pick.length) throw new UsageError('--take cannot be combined with --set or --pick');
          input = { take };
        } else if (set.length || pick.length) {
          input = {
            fields: Object.fromEntries([
              ...pick.map(([f, side]) => [f, { from: side as 'local' | 'cloud' }]),
              ...set.map(([f, value]) => [f, { value }]),
            ]),
          };
        } else {
          throw new UsageError('expected --take local, --take cloud, or at least one --set FIELD=VALUE / --pick FIELD=SIDE');
        }
        print.result(await app.resolveConflict(id, input, opts.remoteVersion), formatRecord);
      })();
    });

  program
    .command('log')
    .description('sync attempts, newest first')
    .option('--limit <n>', 'how many', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('expected a whole number from 1 to 10000');
      return n;
    }, 20)
    .action(function (this: Command) {
      return withApp(this, async (app, print) =>
        print.result(await app.log(this.opts().limit), (rows) =>
          formatTable(rows, ['id', 'direction', 'trigger', 'startedAt', 'status', 'sent', 'received', 'applied', 'conflicts', 'skipped', 'rejected', 'error']),
        ),
      )();
    });

  program
    .command('status')
    .description('diagnostics of this instance')
    .action(function (this: Command) {
      return withApp(this, async (app, print) => print.result(await app.status(), formatRecord))();
    });
}
