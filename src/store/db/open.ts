/**
 * @module Opens the SQLite database of a data directory: WAL, foreign keys, busy timeout, migrations applied.
 */
import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { dbPath } from '../paths.ts';
import { migrate } from './migrate.ts';

/** An open database handle. */
export type Db = Database.Database;

/** Options of openDatabase. */
export interface OpenDatabaseOptions {
  /**
   * Milliseconds a statement waits for another process's write lock before failing with SQLITE_BUSY
   * (`PRAGMA busy_timeout`). Default: better-sqlite3's own `timeout` default.
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when absent) `{dataDir}/screenalytics.db` with `journal_mode = WAL`, `foreign_keys = ON` and a
 * busy timeout, then applies pending migrations. Safe to call from several processes at once.
 * @param dataDir - root of the data directory (`config.data_dir`); created when absent
 * @param options - busy timeout
 * @returns the open database; the caller closes it
 * @throws AppError (`INTERNAL`) when the database was migrated by a newer build
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Db {
  mkdirSync(dataDir, { recursive: true });
  const timeout = options.busyTimeoutMs;
  const db = new Database(dbPath(dataDir), timeout === undefined ? {} : { timeout });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
