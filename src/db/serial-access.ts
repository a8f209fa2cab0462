import { Mutex } from 'async-mutex';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The one way into an embedded SQLite database. TypeORM's sqlite3 driver
 * holds a single connection, so two transactions in flight would interleave
 * their statements; this queue runs one unit of work at a time instead.
 */
export class SerialAccess {
  private readonly queue = new Mutex();

  constructor(readonly dataSource: DataSource) {}

  /**
   * Runs `work` inside one transaction: all of it commits, or none. `BEGIN
   * IMMEDIATE` takes the write lock up front, so another process on the same
   * file (the CLI beside the desktop app) waits out the busy timeout instead
   * of failing half-way with SQLITE_BUSY. Use insert/update/query in `work`,
   * not `save`, which would open a transaction of its own.
   */
  write<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.queue.runExclusive(async () => {
      const manager = this.dataSource.manager;
      await manager.query('BEGIN IMMEDIATE');
      try {
        const result = await work(manager);
        await manager.query('COMMIT');
        return result;
      } catch (error) {
        await manager.query('ROLLBACK');
        throw error;
      }
    });
  }

  read<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.queue.runExclusive(() => work(this.dataSource.manager));
  }

  /** Waits for the unit of work under way, then closes the connection. */
  close(): Promise<void> {
    return this.queue.runExclusive(async () => {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    });
  }
}
