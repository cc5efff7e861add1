/** @module Migration 001: shows, episodes and runs. Times are ISO 8601 UTC text (they sort as text). */
import type { SchemaMigration } from './ddl.ts';

/** Migration 001. */
export const init: SchemaMigration = {
  async up(db, { text, finish }) {
    await finish(
      db.schema
        .createTable('shows')
        .addColumn('show_id', text, (c) => c.primaryKey())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull()),
    ).execute();
    await finish(
      db.schema
        .createTable('episodes')
        .addColumn('ep_id', text, (c) => c.primaryKey())
        .addColumn('show_id', text, (c) => c.notNull().references('shows.show_id'))
        .addColumn('season', 'integer', (c) => c.notNull())
        .addColumn('episode', 'integer', (c) => c.notNull())
        .addColumn('title', text)
        .addColumn('video_path', text)
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('updated_at', text, (c) => c.notNull()),
    ).execute();
    await db.schema
      .createIndex('episodes_by_show')
      .on('episodes')
      .columns(['show_id', 'season', 'episode'])
      .execute();
    await finish(
      db.schema
        .createTable('runs')
        .addColumn('run_id', text, (c) => c.primaryKey())
        .addColumn('ep_id', text, (c) =>
          c.notNull().references('episodes.ep_id').onDelete('cascade'),
        )
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('profile', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull()),
    ).execute();
    await db.schema
      .createIndex('runs_by_episode')
      .on('runs')
      .columns(['ep_id', 'created_at'])
      .execute();
  },
};
