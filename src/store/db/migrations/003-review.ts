/**
 * @module Migration 003: cast members; reviews (one per clustering of a run: the reviewer's edits layered on its
 * identities.json; `state` caches the folded edits, `cast_refs` the cast ids it points at, `version` counts edits,
 * undo included) with their edit log; facebank images; cached similarity / auto-group results; per-episode cast
 * centroids; and review operations (the long ones, in either execution mode). JSON columns hold text.
 */
import { sql } from 'kysely';
import { ACTIVE_STATES, JOB_STATE_CHECK, MODE_CHECK, type SchemaMigration } from './ddl.ts';

/** Migration 003. */
export const review: SchemaMigration = {
  async up(db, { text, real, blob, serialKey, finish }) {
    await finish(
      db.schema
        .createTable('cast_members')
        .addColumn('show_id', text, (c) =>
          c.notNull().references('shows.show_id').onDelete('cascade'),
        )
        .addColumn('cast_id', text, (c) => c.notNull())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('aliases', text, (c) => c.notNull().defaultTo('[]'))
        .addColumn('role', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('updated_at', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('cast_members_pk', ['show_id', 'cast_id'])
        .addCheckConstraint('cast_role', sql`role in ('main', 'friend', 'guest', 'other')`)
        .addCheckConstraint('cast_status', sql`status in ('active', 'inactive')`),
    ).execute();
    await finish(
      db.schema
        .createTable('reviews')
        .addColumn('review_id', 'integer', serialKey)
        .addColumn('ep_id', text, (c) =>
          c.notNull().references('episodes.ep_id').onDelete('cascade'),
        )
        .addColumn('run_id', text, (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('clustering_id', text, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', text, (c) => c.notNull())
        .addColumn('cast_refs', text, (c) => c.notNull().defaultTo('[]'))
        .addColumn('carried_from', 'integer', (c) =>
          c.references('reviews.review_id').onDelete('set null'),
        )
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('updated_at', text, (c) => c.notNull())
        .addUniqueConstraint('reviews_one_per_clustering', ['run_id', 'clustering_id']),
    ).execute();
    await db.schema
      .createIndex('reviews_by_episode')
      .on('reviews')
      .columns(['ep_id', 'review_id'])
      .execute();
    await finish(
      db.schema
        .createTable('review_edits')
        .addColumn('review_id', 'integer', (c) =>
          c.notNull().references('reviews.review_id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('kind', text, (c) => c.notNull())
        .addColumn('payload', text, (c) => c.notNull())
        .addColumn('reviewer', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('undone_at', text)
        .addColumn('undone_by', text)
        .addPrimaryKeyConstraint('review_edits_pk', ['review_id', 'seq']),
    ).execute();
    await finish(
      db.schema
        .createTable('facebank_images')
        .addColumn('image_id', text, (c) => c.primaryKey())
        .addColumn('show_id', text, (c) => c.notNull())
        .addColumn('cast_id', text, (c) => c.notNull())
        .addColumn('source', text, (c) => c.notNull())
        .addColumn('file_name', text)
        .addColumn('ep_id', text)
        .addColumn('run_id', text)
        .addColumn('identity_id', text)
        .addColumn('track_id', 'integer')
        .addColumn('frame_idx', 'integer')
        .addColumn('bbox', text)
        .addColumn('score', real)
        .addColumn('dim', 'integer', (c) => c.notNull())
        .addColumn('embedding', blob, (c) => c.notNull())
        .addColumn('thumb', blob, (c) => c.notNull())
        .addColumn('thumb_type', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('created_by', text, (c) => c.notNull())
        .addCheckConstraint('facebank_source', sql`source in ('upload', 'identity')`)
        .addForeignKeyConstraint(
          'facebank_cast',
          ['show_id', 'cast_id'],
          'cast_members',
          ['show_id', 'cast_id'],
          (fk) => fk.onDelete('cascade'),
        ),
    ).execute();
    await db.schema
      .createIndex('facebank_by_cast')
      .on('facebank_images')
      .columns(['show_id', 'cast_id', 'created_at'])
      .execute();
    await finish(
      db.schema
        .createTable('review_results')
        .addColumn('review_id', 'integer', (c) =>
          c.notNull().references('reviews.review_id').onDelete('cascade'),
        )
        .addColumn('kind', text, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('computed_at', text, (c) => c.notNull())
        .addColumn('result', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('review_results_pk', ['review_id', 'kind'])
        .addCheckConstraint('review_results_kind', sql`kind in ('similarity', 'groups')`),
    ).execute();
    await finish(
      db.schema
        .createTable('cast_centroids')
        .addColumn('show_id', text, (c) => c.notNull())
        .addColumn('cast_id', text, (c) => c.notNull())
        .addColumn('ep_id', text, (c) =>
          c.notNull().references('episodes.ep_id').onDelete('cascade'),
        )
        .addColumn('review_id', 'integer', (c) =>
          c.notNull().references('reviews.review_id').onDelete('cascade'),
        )
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('faces', 'integer', (c) => c.notNull())
        .addColumn('centroid', blob, (c) => c.notNull())
        .addColumn('updated_at', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('cast_centroids_pk', ['show_id', 'cast_id', 'ep_id']),
    ).execute();
    await finish(
      db.schema
        .createTable('review_jobs')
        .addColumn('job_id', text, (c) => c.primaryKey())
        .addColumn('ep_id', text, (c) =>
          c.notNull().references('episodes.ep_id').onDelete('cascade'),
        )
        .addColumn('run_id', text, (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('operation', text, (c) => c.notNull())
        .addColumn('mode', text, (c) => c.notNull())
        .addColumn('state', text, (c) => c.notNull())
        .addColumn('params', text, (c) => c.notNull())
        .addColumn('reviewer', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('started_at', text)
        .addColumn('finished_at', text)
        .addColumn('heartbeat_at', text)
        .addColumn('cancel_requested_at', text)
        .addColumn('host', text)
        .addColumn('runner_pid', 'integer')
        .addColumn('progress', text)
        .addColumn('result', text)
        .addColumn('error', text)
        .addCheckConstraint('review_jobs_mode', MODE_CHECK)
        .addCheckConstraint('review_jobs_state', JOB_STATE_CHECK),
    ).execute();
    await db.schema
      .createIndex('review_jobs_one_active')
      .unique()
      .on('review_jobs')
      .columns(['ep_id', 'operation'])
      .where(ACTIVE_STATES)
      .execute();
  },
};
