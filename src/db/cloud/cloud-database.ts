import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { DataSource, type EntityManager } from 'typeorm';
import { SerialAccess } from '../serial-access';
import { CloudDeviceEntity } from './entities/cloud-device.entity';
import { CloudIdentityEntity } from './entities/cloud-identity.entity';
import { CloudSyncLogEntity } from './entities/cloud-sync-log.entity';
import { ConnectedSiteEntity } from './entities/connected-site.entity';
import { PushBatchEntity } from './entities/push-batch.entity';
import { SiteEntity } from './entities/site.entity';
import { CloudInitialSchema0000000000001 } from './migrations/0001-initial-schema';
import { CloudTombstoneHorizon0000000000002 } from './migrations/0002-tombstone-horizon';
import { CloudDeviceJson0000000000003 } from './migrations/0003-device-json';
import { CloudLighterDeviceWrites0000000000004 } from './migrations/0004-lighter-device-writes';
import { CloudIdentity0000000000005 } from './migrations/0005-cloud-identity';
import { CloudSiteVersionMarks0000000000006 } from './migrations/0006-site-version-marks';

export const CLOUD_MIGRATIONS = [CloudInitialSchema0000000000001, CloudTombstoneHorizon0000000000002, CloudDeviceJson0000000000003, CloudLighterDeviceWrites0000000000004, CloudIdentity0000000000005, CloudSiteVersionMarks0000000000006];
const ENTITIES = [CloudDeviceEntity, CloudIdentityEntity, CloudSyncLogEntity, ConnectedSiteEntity, PushBatchEntity, SiteEntity];

export type CloudDialect = 'sqlite' | 'postgres';

/**
 * The cloud's database: embedded SQLite for one office (one server process),
 * PostgreSQL for several stateless server processes. Everything above this
 * class is the same for both.
 */
export class CloudDatabase {
  private constructor(
    readonly dialect: CloudDialect,
    /** What it was opened with: a file path or a postgres:// URL (for a connection of one's own, e.g. LISTEN). */
    readonly target: string,
    private readonly dataSource: DataSource,
    private readonly serial: SerialAccess | null,
  ) {}

  /** PostgreSQL work under way, which `close` lets finish; on SQLite the serial queue does the same. */
  private readonly running = new Set<Promise<unknown>>();
  /** The one close, which every later call waits for. */
  private closing: Promise<void> | null = null;

  private tracked<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const settled = () => this.running.delete(work);
    work.then(settled, settled);
    return work;
  }

  /** Whether `target` names a PostgreSQL database (a `postgres://` URL) rather than a SQLite file. */
  static isPostgres(target: string): boolean {
    return /^postgres(ql)?:\/\//.test(target);
  }

  /** `target` is a file path (SQLite) or a `postgres://` URL. */
  static async open(target: string): Promise<CloudDatabase> {
    const isPostgres = CloudDatabase.isPostgres(target);
    // TypeORM's console logger prints a failed migration on stdout, which `--json` and `serve` keep for their
    // own output; the error reaches the caller anyway. Its debug logger writes only with DEBUG=typeorm:*, on stderr.
    const common = { entities: ENTITIES, migrations: CLOUD_MIGRATIONS, migrationsTransactionMode: 'each' as const, synchronize: false, logging: false, logger: 'debug' as const };
    let dataSource: DataSource;
    if (isPostgres) {
      dataSource = new DataSource({ type: 'postgres', url: target, ...common, extra: { max: 10 } });
    } else {
      mkdirSync(dirname(resolve(target)), { recursive: true });
      dataSource = new DataSource({ type: 'sqlite', database: target, ...common });
    }
    await dataSource.initialize();
    try {
      if (!isPostgres) {
        await dataSource.query('PRAGMA journal_mode = WAL');
        await dataSource.query('PRAGMA busy_timeout = 10000');
        await dataSource.query('PRAGMA synchronous = NORMAL');
        await dataSource.query('PRAGMA foreign_keys = ON');
      }
      await dataSource.runMigrations();
    } catch (error) {
      // Nobody gets this data source to close: a PostgreSQL connection left in its pool would keep the process alive.
      await dataSource.destroy();
      throw error;
    }
    return new CloudDatabase(isPostgres ? 'postgres' : 'sqlite', target, dataSource, isPostgres ? null : new SerialAccess(dataSource));
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.serial ? this.serial.write(work) : this.tracked(this.dataSource.transaction(work));
  }

  /** One writing statement on its own: atomic by itself, so on PostgreSQL no BEGIN and COMMIT round trips. */
  execute(sql: string, params: unknown[]): Promise<unknown> {
    return this.serial ? this.serial.write((tx) => tx.query(sql, params)) : this.tracked(this.dataSource.query(sql, params));
  }

  read<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.serial ? this.serial.read(work) : this.tracked(work(this.dataSource.manager));
  }

  /** Positional parameter `n` (1-based) in this dialect's raw SQL. */
  param(n: number): string {
    return this.dialect === 'postgres' ? `$${n}` : '?';
  }

  /**
   * Lets the work under way finish, then closes; closing again, even while
   * the first close runs, waits for that one, on both backends. A push still running when a shutdown's grace ran out thus
   * commits: ending its PostgreSQL connection would roll it back. Work one
   * of them starts on its way out (a push's NOTIFY) is waited for too.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    if (this.serial) return this.serial.close();
    while (this.running.size) await Promise.allSettled(this.running);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
