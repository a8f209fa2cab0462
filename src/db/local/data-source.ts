import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SerialAccess } from '../serial-access';
import { ConflictEntity } from './entities/conflict.entity';
import { MetaEntity } from './entities/meta.entity';
import { SyncLogEntity } from './entities/sync-log.entity';
import { LocalInitialSchema0000000000001 } from './migrations/0001-initial-schema';
import { LocalPushOutbox0000000000002 } from './migrations/0002-push-outbox';
import { LocalOutboxServerFaults0000000000003 } from './migrations/0003-outbox-server-faults';

export const LOCAL_DB_FILE = 'sitesync.db';

export const LOCAL_MIGRATIONS = [LocalInitialSchema0000000000001, LocalPushOutbox0000000000002, LocalOutboxServerFaults0000000000003];

/** Opens (creating and migrating as needed) the instance database in `dataDir`. */
export async function openLocalDatabase(dataDir: string): Promise<SerialAccess> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dataSource = new DataSource({
    type: 'sqlite',
    database: join(dataDir, LOCAL_DB_FILE),
    entities: [ConflictEntity, MetaEntity, SyncLogEntity],
    migrations: LOCAL_MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  });
  await dataSource.initialize();
  // WAL lets the desktop app and the CLI share the file; the busy timeout makes one wait for the other.
  await dataSource.query('PRAGMA journal_mode = WAL');
  await dataSource.query('PRAGMA busy_timeout = 10000');
  await dataSource.query('PRAGMA synchronous = NORMAL');
  await dataSource.query('PRAGMA foreign_keys = ON');
  await dataSource.runMigrations();
  return new SerialAccess(dataSource);
}
