/**
 * @module Schema migrations: `migrations/NNN-name.sql` applied in order, each recorded in `schema_migrations`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { AppError } from '../../errors.ts';

/** Folder of the `.sql` migrations shipped with this module. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const MIGRATION_FILE_RE = /^(\d{3})-[a-z0-9-]+\.sql$/;

/** One migration file. */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

function listMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const m = MIGRATION_FILE_RE.exec(name);
      return m ? [{ version: Number(m[1]), name, sql: readFileSync(join(dir, name), 'utf8') }] : [];
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies the migrations not yet recorded, in version order.
 *
 * Preconditions: none (creates `schema_migrations` when absent).
 * Effects: in one IMMEDIATE transaction (so that two processes opening the database at once cannot both apply a
 * migration), runs each missing migration's SQL and inserts `(version, name, applied_at)`.
 * Errors: AppError (`INTERNAL`) when the database records a version this build does not ship (a newer build
 * wrote it); SQLite errors of a migration roll the whole transaction back.
 * @param db - open database
 * @param dir - folder of the migrations (default: the ones shipped beside this module)
 * @returns the file names applied now, empty when the schema was current
 */
export function migrate(db: Database.Database, dir: string = MIGRATIONS_DIR): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const migrations = listMigrations(dir);
  const apply = db.transaction((now: string) => {
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const applied = new Set(rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new AppError(
        'INTERNAL',
        500,
        `Database schema has migration ${unknown.join(', ')} unknown to this build: upgrade screenalytics`,
      );
    }
    const insert = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) {
        continue;
      }
      db.exec(m.sql);
      insert.run(m.version, m.name, now);
      done.push(m.name);
    }
    return done;
  });
  return apply.immediate(new Date().toISOString());
}
