/**
 * @module Migration 005: the instance of the data directory this database belongs to (the id of its marker file
 * `.screenalytics-instance.json`), so that a worker on another host can check its data directory against the
 * database it shares with the API.
 */
import type { SchemaMigration } from './ddl.ts';

/** Migration 005. */
export const instance: SchemaMigration = {
  async up(db, { text, finish }) {
    await finish(
      db.schema
        .createTable('instance')
        .addColumn('instance_id', text, (c) => c.primaryKey())
        .addColumn('data_dir', text, (c) => c.notNull())
        .addColumn('host', text, (c) => c.notNull())
        .addColumn('announced_at', text, (c) => c.notNull()),
    ).execute();
  },
};
