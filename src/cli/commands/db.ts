/**
 * @module `screenalytics db status|migrate`: the database the config points at (SQLite file or PostgreSQL URL)
 * and its schema migrations. Every other command and the server migrate at start-up; these two let an operator
 * look first, or migrate once before starting several workers.
 */
import Table from 'cli-table3';
import type { Config } from '../../config/index.ts';
import { migrateToLatest, migrationStatus, openDatabase, type Db } from '../../store/index.ts';

async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.data_dir, config.database, { migrate: false });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function where(db: Db): string {
  return db.engine === 'sqlite'
    ? `sqlite ${db.location}`
    : `postgres ${db.location} (schema ${db.schema})`;
}

/**
 * `db status`: the engine, where the database is, and every migration of this build with when it was applied.
 * @param config - loaded config (`data_dir`, `database`)
 * @returns the text printed: one line naming the database, then a table `migration | applied at` (`pending`)
 * @throws the driver's error when the database cannot be reached
 */
export async function dbStatusCommand(config: Config): Promise<string> {
  return withDatabase(config, async (db) => {
    const table = new Table({ head: ['migration', 'applied at'], style: { head: [], border: [] } });
    const states = await migrationStatus(db);
    for (const m of states) {
      table.push([m.name, m.applied_at ?? 'pending']);
    }
    const pending = states.filter((m) => m.applied_at === null).length;
    return `${where(db)}: ${pending === 0 ? 'schema current' : `${pending} migration(s) pending`}\n${table.toString()}`;
  });
}

/**
 * `db migrate`: applies the pending migrations.
 * @param config - loaded config (`data_dir`, `database`)
 * @returns the text printed: the migrations applied, or that the schema was current
 * @throws AppError (`INTERNAL`) when the database was migrated by a newer build; a failing migration's error
 */
export async function dbMigrateCommand(config: Config): Promise<string> {
  return withDatabase(config, async (db) => {
    const applied = await migrateToLatest(db);
    return applied.length === 0
      ? `${where(db)}: schema current, nothing to apply`
      : `${where(db)}: applied ${applied.join(', ')}`;
  });
}
