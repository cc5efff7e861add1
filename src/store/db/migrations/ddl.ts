/**
 * @module What the migrations need to write one schema for both engines: column types and table options that
 * differ between SQLite and PostgreSQL. Everything else is Kysely's schema builder, written once.
 */
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';

/** The engines a migration can run on. */
export type Engine = 'sqlite' | 'postgres';

/** Column types and table options of one engine. */
export interface Ddl {
  /** Text compared byte by byte on both engines (`COLLATE "C"` on PostgreSQL), so ISO times and ids sort alike. */
  text: ReturnType<typeof sql>;
  /** 64-bit float (`REAL` / `DOUBLE PRECISION`). */
  real: ReturnType<typeof sql>;
  /** Bytes (`BLOB` / `BYTEA`). */
  blob: ReturnType<typeof sql>;
  /** An integer primary key the database numbers (SQLite rowid alias / PostgreSQL identity). */
  serialKey: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** Table options: `STRICT` on SQLite (types enforced), none on PostgreSQL. */
  finish: <TB extends string, C extends string>(
    t: CreateTableBuilder<TB, C>,
  ) => CreateTableBuilder<TB, C>;
}

/**
 * @param engine - the engine the migration runs on
 * @returns its column types and table options
 */
export function ddlFor(engine: Engine): Ddl {
  const pg = engine === 'postgres';
  return {
    text: pg ? sql`text collate "C"` : sql`text`,
    real: pg ? sql`double precision` : sql`real`,
    blob: pg ? sql`bytea` : sql`blob`,
    serialKey: (col) => (pg ? col.generatedByDefaultAsIdentity().primaryKey() : col.primaryKey()),
    finish: (t) => (pg ? t : t.modifyEnd(sql`strict`)),
  };
}

/** One migration: `up` gets the database (or its transaction) and the engine's DDL helpers. */
export interface SchemaMigration {
  /** Applies the change. */
  up: (db: Kysely<unknown>, ddl: Ddl) => Promise<void>;
}

/** The `state IN ('queued', 'running')` condition of the one-active-job partial indexes. */
export const ACTIVE_STATES = sql<boolean>`state in ('queued', 'running')`;

/** The CHECK of a job state column. */
export const JOB_STATE_CHECK = sql`state in ('queued', 'running', 'success', 'error', 'cancelled')`;

/** The CHECK of an execution mode column. */
export const MODE_CHECK = sql`mode in ('local', 'redis')`;
