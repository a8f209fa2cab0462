import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { isoNow, systemClock } from '../domain/clock';
import { ValidationError } from '../domain/validation-error';
import { CloudDatabase } from '../db/cloud/cloud-database';
import { changeCloudDevice, listCloudDevices } from '../cloud/cloud-devices';
import { listConnectedSites } from '../cloud/connected-sites';
import { enrollInstance, revokeInstance } from '../cloud/enrolment';
import { serveCloud } from '../cloud/serve';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_RATE_LIMIT_PER_MINUTE } from '../cloud/server';
import { DEFAULT_STALE_AFTER_MS, flagStale } from '../cloud/stale-instances';
import { DEFAULT_TOMBSTONE_RETENTION_MS, purgeTombstones } from '../cloud/tombstone-retention';
import { parsePositiveInteger } from './count-option';
import { parseDuration } from './duration-option';
import { fieldsFromFlags, withDeviceFlags } from './device-flags';
import { formatRecord, formatTable, printer, type Printer } from './output';
import { parsePort } from './port-option';

const DEFAULT_DB = './sitesync-cloud.db';
const MB = 1024 * 1024;

interface CloudOptions {
  db: string;
  json?: boolean;
}

/**
 * Runs a command on the cloud database. Only the commands that start a
 * cloud (`serve`, `enroll`) may create its SQLite file: any other, given a
 * mistyped path, would report an empty cloud from a new empty file.
 */
function withCloud(command: Command, action: (db: CloudDatabase, print: Printer) => Promise<void>, { creates = false } = {}) {
  return async () => {
    const options = command.optsWithGlobals<CloudOptions>();
    if (!creates && !CloudDatabase.isPostgres(options.db) && !existsSync(options.db)) {
      throw new ValidationError([{ field: 'db', message: `expected an existing cloud database: ${options.db} does not exist (\`cloud enroll\` or \`cloud serve\` creates one)` }]);
    }
    const db = await CloudDatabase.open(options.db);
    try {
      await action(db, printer(options.json ?? false));
    } finally {
      await db.close();
    }
  };
}

export function registerCloudCommands(program: Command): void {
  const cloud = program
    .command('cloud')
    .description('the cloud server and its administration')
    .option('--db <target>', 'SQLite file path or postgres:// URL', DEFAULT_DB);

  cloud
    .command('serve')
    .description('run the cloud server')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', parsePort, 8080)
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (behind a reverse proxy)')
    .addOption(new Option('--rate-limit <n>', 'requests a minute per instance token; more get 429').argParser(parsePositiveInteger).default(DEFAULT_RATE_LIMIT_PER_MINUTE))
    .addOption(new Option('--max-body-mb <n>', 'largest request body; larger get 413').argParser(parsePositiveInteger).default(DEFAULT_BODY_LIMIT_BYTES / MB))
    .addOption(new Option('--retention <span>', 'purge tombstones the cloud received longer ago than this, at start and daily').argParser(parseDuration).default(DEFAULT_TOMBSTONE_RETENTION_MS, '180d'))
    .action(function (this: Command) {
      const options = this.optsWithGlobals<CloudOptions & { host: string; port: number; trustProxy?: boolean; rateLimit: number; maxBodyMb: number; retention: number }>();
      return serveCloud({
        db: options.db,
        host: options.host,
        port: options.port,
        trustProxy: options.trustProxy ?? false,
        rateLimitPerMinute: options.rateLimit,
        bodyLimitBytes: options.maxBodyMb * MB,
        tombstoneRetentionMs: options.retention,
      });
    });

  cloud
    .command('enroll')
    .description('a new instance of SITE; the token is shown once')
    .requiredOption('--site <site>', 'site id, e.g. warehouse-3')
    .option('--name <name>', 'a name for the PC, shown in `cloud sites`')
    .action(function (this: Command) {
      return withCloud(this, async (db, print) => {
        const { site, name } = this.opts<{ site: string; name?: string }>();
        const enrolment = await enrollInstance(db, site, name ?? null, isoNow(systemClock));
        print.result(enrolment, (e) => `instance ${e.instanceId} of site ${e.siteId}\ntoken (shown once, keep it secret): ${e.token}`);
      }, { creates: true })();
    });

  cloud
    .command('revoke')
    .argument('<instanceId>')
    .description('the token stops working at once')
    .action(function (this: Command, instanceId: string) {
      return withCloud(this, async (db, print) => print.result(await revokeInstance(db, instanceId, isoNow(systemClock)), formatRecord))();
    });

  cloud
    .command('sites')
    .description('enrolled instances and when the cloud last saw them; `stale`: not seen for longer than --stale-after')
    .addOption(new Option('--stale-after <span>', 'flag instances not seen for this long').argParser(parseDuration).default(DEFAULT_STALE_AFTER_MS, '72h'))
    .option('--stale-only', 'list only the stale instances')
    .action(function (this: Command) {
      return withCloud(this, async (db, print) => {
        const { staleAfter, staleOnly } = this.opts<{ staleAfter: number; staleOnly?: boolean }>();
        const rows = flagStale(await listConnectedSites(db), new Date(), staleAfter).filter((row) => !staleOnly || row.stale);
        print.result(rows, (list) =>
          formatTable(list, ['siteId', 'instanceId', 'name', 'stale', 'lastPushAt', 'lastPullAt', 'lastSeenAt', 'lastIp', 'appVersion', 'revokedAt']),
        );
      })();
    });

  cloud
    .command('purge-tombstones')
    .description('delete tombstones the cloud received longer ago than --older-than; instances behind the new horizon do a replacement sync')
    .addOption(new Option('--older-than <span>', 'how long a tombstone is kept after the cloud received it').argParser(parseDuration).default(DEFAULT_TOMBSTONE_RETENTION_MS, '180d'))
    .action(function (this: Command) {
      return withCloud(this, async (db, print) => {
        const { olderThan } = this.opts<{ olderThan: number }>();
        const report = await purgeTombstones(db, { now: isoNow(systemClock), retentionMs: olderThan });
        print.result(report, (r) => `${r.purged} tombstones received before ${r.cutoff} deleted\n${formatTable(r.sites, ['siteId', 'purged', 'purgedVersion'])}`);
      })();
    });

  const device = cloud.command('device').description("the cloud's copy of a site's devices");
  device
    .command('list')
    .requiredOption('--site <site>', 'site id')
    .option('--all', 'include deleted devices (tombstones)')
    .action(function (this: Command) {
      return withCloud(this, async (db, print) => {
        const { site, all } = this.opts<{ site: string; all?: boolean }>();
        print.result(await listCloudDevices(db, site, all ?? false), (rows) => formatTable(rows, ['uuid', 'hostname', 'mac', 'ip', 'assetTag', 'version', 'deletedAt']));
      })();
    });
  withDeviceFlags(device.command('edit').argument('<uuid>').description('an edit made on the cloud side'), { edits: true }).action(function (this: Command, uuid: string) {
    return withCloud(this, async (db, print) =>
      print.result(await changeCloudDevice(db, uuid, { patch: fieldsFromFlags(this.opts()) }, isoNow(systemClock)), formatRecord),
    )();
  });
  device
    .command('delete')
    .argument('<uuid>')
    .description('soft delete on the cloud side')
    .action(function (this: Command, uuid: string) {
      return withCloud(this, async (db, print) => print.result(await changeCloudDevice(db, uuid, { delete: true }, isoNow(systemClock)), formatRecord))();
    });
}
