/**
 * @module Schema migrations with Kysely's migrator, on either engine: the migrations of `migrations/index.ts`,
 * applied in name order, each recorded in `kysely_migration`. An SQLite file of an earlier build (which recorded
 * its `.sql` migrations in `schema_migrations`) is carried over once.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { AppError } from '../../errors.ts';
import { ddlFor, type Engine } from './migrations/ddl.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { transact, type Db } from './open.ts';

/** A migration and when it was applied (null: pending). */
export interface MigrationState {
  /** Name, e.g. `002-jobs`. */
  name: string;
  /** ISO 8601 UTC time it was applied; null while pending. */
  applied_at: string | null;
}

function provider(engine: Engine): MigrationProvider {
  const ddl = ddlFor(engine);
  return {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(
          MIGRATIONS.map(([name, m]): [string, Migration] => [name, { up: (k) => m.up(k, ddl) }]),
        ),
      ),
  };
}

function migrator(q: Kysely<unknown>, engine: Engine, schema: string): Migrator {
  return new Migrator({
    db: q,
    provider: provider(engine),
    // SQLite: the caller's BEGIN IMMEDIATE is the lock across processes; PostgreSQL: Kysely's own advisory lock.
    disableTransactions: engine === 'sqlite',
    ...(engine === 'postgres' ? { migrationTableSchema: schema } : {}),
  });
}

/** Records the migrations of an earlier build's `schema_migrations` table in Kysely's table, then drops it. */
async function carryOverLegacy(q: Kysely<unknown>): Promise<void> {
  const legacy = await sql<{ n: number }>`select count(*) as n from sqlite_master
    where type = 'table' and name = 'schema_migrations'`.execute(q);
  if (legacy.rows[0]?.n !== 1) {
    return;
  }
  await sql`create table if not exists kysely_migration
    (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(q);
  await sql`insert or ignore into kysely_migration (name, timestamp)
    select replace(name, '.sql', ''), applied_at from schema_migrations`.execute(q);
  await sql`drop table schema_migrations`.execute(q);
}

async function run(q: Kysely<unknown>, engine: Engine, schema: string): Promise<string[]> {
  if (engine === 'sqlite') {
    await carryOverLegacy(q);
  }
  const { error, results } = await migrator(q, engine, schema).migrateToLatest();
  if (error !== undefined) {
    const text = error instanceof Error ? error.message : JSON.stringify(error);
    const missing = /previously executed migration (\S+) is missing/.exec(text);
    if (missing) {
      throw new AppError(
        'INTERNAL',
        500,
        `Database schema has migration ${missing[1]} unknown to this build: upgrade screenalytics`,
      );
    }
    throw error instanceof Error ? error : new Error(text);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Applies the migrations not yet recorded, in name order.
 *
 * Effects: SQLite, in one IMMEDIATE transaction (two processes opening the file at once cannot both apply a
 * migration); PostgreSQL, under Kysely's advisory migration lock, each migration in its own transaction.
 * Errors: AppError (`INTERNAL`) when the database records a migration this build does not ship (a newer build
 * wrote it); a failing migration's error (rolled back).
 * @param db - open database
 * @returns the names applied now, empty when the schema was current
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (db.engine === 'sqlite') {
    return transact(db, (tx) => run(tx.q as Kysely<unknown>, 'sqlite', tx.schema));
  }
  return run(db.q as Kysely<unknown>, 'postgres', db.schema);
}

/**
 * Every migration this build ships, and when each was applied.
 * @param db - open database
 * @returns the migrations in order
 */
export async function migrationStatus(db: Db): Promise<MigrationState[]> {
  const infos = await migrator(db.q as Kysely<unknown>, db.engine, db.schema).getMigrations();
  return infos.map((i) => ({ name: i.name, applied_at: i.executedAt?.toISOString() ?? null }));
}
