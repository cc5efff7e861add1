/**
 * @module Opens the database: the embedded SQLite file of the data directory (better-sqlite3, WAL, foreign keys,
 * busy timeout) or PostgreSQL (`pg` pool) when a `postgres://` URL is configured, behind one Kysely query builder,
 * with the migrations applied. Also the one way to run several statements as one serialised transaction.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../../errors.ts';
import { dbPath } from '../paths.ts';
import { migrateToLatest } from './migrate.ts';
import type { Engine } from './migrations/ddl.ts';
import type { Schema } from './schema.ts';

export type { Engine } from './migrations/ddl.ts';

/** Where the database is: the `database` section of the config. */
export interface DatabaseTarget {
  /** `postgres://` URL; absent: SQLite in the data directory. */
  url?: string | undefined;
  /** PostgreSQL schema of the tables (created when absent). Default `public`. */
  schema?: string | undefined;
  /** PostgreSQL pool size. Default 10. */
  pool_size?: number | undefined;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * SQLite: milliseconds a statement waits for another process's write lock before failing with SQLITE_BUSY
   * (`PRAGMA busy_timeout`). Default: better-sqlite3's own default (5000).
   */
  busyTimeoutMs?: number;
  /** Apply pending migrations when opening. Default true; `screenalytics db status|migrate` opens without. */
  migrate?: boolean;
}

/** Advisory lock id (PostgreSQL) taken by every {@link transact}: writers queue in one order, as on SQLite. */
const TRANSACT_LOCK = 0x5ca1ab1e;

/**
 * An open database: the repositories of `src/store/db` take it as their first argument. Above `src/store` it is
 * opaque: no driver, no SQL.
 */
export class Db {
  /**
   * The query builder, bound to the pool or to the transaction in progress. For the repositories of
   * `src/store/db` only.
   * @internal
   */
  readonly q: Kysely<Schema>;
  /** `sqlite` or `postgres`. */
  readonly engine: Engine;
  /** Where it is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** PostgreSQL schema of the tables (`public` on SQLite, which has none). */
  readonly schema: string;
  /** True when this handle is a transaction of {@link transact} (nested calls join it). */
  readonly inTransaction: boolean;

  readonly #release: () => Promise<void>;

  /** @internal */
  constructor(
    q: Kysely<Schema>,
    engine: Engine,
    location: string,
    schema: string,
    inTransaction: boolean,
    release: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.q = q;
    this.engine = engine;
    this.location = location;
    this.schema = schema;
    this.inTransaction = inTransaction;
    this.#release = release;
  }

  /** Closes this handle: the pool, or this process's share of the SQLite file. A transaction handle does nothing. */
  close(): Promise<void> {
    return this.#release();
  }
}

/**
 * Runs `work` as one transaction in which writers of every process follow one order: SQLite `BEGIN IMMEDIATE`
 * (the write lock first, so no reader-turned-writer deadlock), PostgreSQL a transaction that first takes one
 * transaction-scoped advisory lock. `work` must use the handle it is given (on SQLite the process has one
 * connection: a query on the outer handle inside `work` would wait for ever). A call with a transaction handle
 * joins that transaction.
 * @param db - open database or transaction
 * @param work - the statements; a throw rolls everything back and is re-thrown
 * @returns what `work` returned, after the commit
 */
export async function transact<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  if (db.inTransaction) {
    return work(db);
  }
  if (db.engine === 'postgres') {
    return db.q.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${TRANSACT_LOCK})`.execute(trx);
      return work(new Db(trx, db.engine, db.location, db.schema, true));
    });
  }
  return db.q.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const out = await work(new Db(conn, db.engine, db.location, db.schema, true));
      await sql`commit`.execute(conn);
      return out;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}

/** `postgres://user:secret@host/db` without the password, for messages. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** The SQLite files this process has open, with how many handles share each. */
const sqliteFiles = new Map<string, { q: Kysely<Schema>; handles: number }>();

/**
 * One connection per file per process, shared by every handle: a transaction of one handle spans awaits, and a
 * second connection of the same process waiting for its lock would block the event loop that must finish it.
 */
function openSqlite(dataDir: string, options: OpenDatabaseOptions): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = resolve(dbPath(dataDir));
  let shared = sqliteFiles.get(file);
  if (!shared) {
    const timeout = options.busyTimeoutMs;
    const sqlite = new Database(file, timeout === undefined ? {} : { timeout });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    shared = {
      q: new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) }),
      handles: 0,
    };
    sqliteFiles.set(file, shared);
  }
  shared.handles++;
  const entry = shared;
  let open = true;
  return new Db(entry.q, 'sqlite', file, 'public', false, async () => {
    if (!open) {
      return;
    }
    open = false;
    if (--entry.handles === 0) {
      sqliteFiles.delete(file);
      await entry.q.destroy();
    }
  });
}

/** COUNT and SUM answer `bigint` (int8) on PostgreSQL: read as numbers (counts here stay far below 2^53). */
function pgTypes(): pg.CustomTypesConfig {
  const int8 = Number(pg.types.builtins.INT8);
  const builtin = pg.types.getTypeParser as (oid: number, format?: string) => unknown;
  const getTypeParser = (oid: number, format?: string): unknown =>
    oid === int8 ? (v: string) => Number(v) : builtin(oid, format);
  return { getTypeParser: getTypeParser as pg.CustomTypesConfig['getTypeParser'] };
}

async function openPostgres(url: string, schema: string, poolSize: number): Promise<Db> {
  const setup = new pg.Client({ connectionString: url });
  try {
    await setup.connect();
  } catch (err) {
    throw new AppError(
      'UNAVAILABLE',
      503,
      `Cannot reach PostgreSQL at ${withoutPassword(url)}: ${(err as Error).message}. Check SCREENALYTICS_DATABASE_URL and that the server accepts connections from this host`,
      { cause: err },
    );
  }
  try {
    await setup.query(`create schema if not exists "${schema}"`);
  } catch (err) {
    // Two processes creating the schema at once: the loser sees a duplicate; the schema exists either way.
    if (
      (err as { code?: string }).code !== '23505' &&
      (err as { code?: string }).code !== '42P06'
    ) {
      throw err;
    }
  } finally {
    await setup.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c search_path="${schema}"`,
    types: pgTypes(),
  });
  const q = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return new Db(q, 'postgres', withoutPassword(url), schema, false, () => q.destroy());
}

/**
 * Opens the database and (unless `options.migrate` is false) applies pending migrations. Safe to call from several processes (and hosts) at once.
 * @param dataDir - root of the data directory (`config.data_dir`); SQLite keeps `screenalytics.db` there (created
 *   with the folder when absent)
 * @param target - the config's `database` section; without `url`, SQLite
 * @param options - SQLite busy timeout; whether to migrate
 * @returns the open database; the caller closes it
 * @throws AppError (`UNAVAILABLE`) when the PostgreSQL server cannot be reached or refuses the login; AppError
 *   (`INTERNAL`) when the database was migrated by a newer build
 */
export async function openDatabase(
  dataDir: string,
  target: DatabaseTarget = {},
  options: OpenDatabaseOptions = {},
): Promise<Db> {
  const schema = target.schema ?? 'public';
  const db =
    target.url === undefined
      ? openSqlite(dataDir, options)
      : await openPostgres(target.url, schema, target.pool_size ?? 10);
  try {
    if (options.migrate !== false) {
      await migrateToLatest(db);
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
