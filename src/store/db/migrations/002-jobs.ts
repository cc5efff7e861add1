/**
 * @module Migration 002: one row per stage job (either execution mode). At most one queued or running job per
 * (episode, stage): the partial unique index is the last line of defence behind the lock file.
 */
import { ACTIVE_STATES, JOB_STATE_CHECK, MODE_CHECK, type SchemaMigration } from './ddl.ts';

/** Migration 002. */
export const jobs: SchemaMigration = {
  async up(db, { text, finish }) {
    await finish(
      db.schema
        .createTable('jobs')
        .addColumn('job_id', text, (c) => c.primaryKey())
        .addColumn('ep_id', text, (c) =>
          c.notNull().references('episodes.ep_id').onDelete('cascade'),
        )
        .addColumn('run_id', text, (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('stage', text, (c) => c.notNull())
        .addColumn('mode', text, (c) => c.notNull())
        .addColumn('state', text, (c) => c.notNull())
        .addColumn('profile', text, (c) => c.notNull())
        .addColumn('device', text, (c) => c.notNull())
        .addColumn('allow_cpu_fallback', 'integer', (c) => c.notNull())
        .addColumn('resume', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('resumed_from', text)
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('started_at', text)
        .addColumn('finished_at', text)
        .addColumn('heartbeat_at', text)
        .addColumn('stalled_at', text)
        .addColumn('cancel_requested_at', text)
        .addColumn('host', text)
        .addColumn('runner_pid', 'integer')
        .addColumn('child_pid', 'integer')
        .addColumn('progress', text)
        .addColumn('error', text)
        .addCheckConstraint('jobs_mode', MODE_CHECK)
        .addCheckConstraint('jobs_state', JOB_STATE_CHECK),
    ).execute();
    await db.schema
      .createIndex('jobs_one_active')
      .unique()
      .on('jobs')
      .columns(['ep_id', 'stage'])
      .where(ACTIVE_STATES)
      .execute();
    await db.schema
      .createIndex('jobs_by_stage')
      .on('jobs')
      .columns(['ep_id', 'stage', 'created_at'])
      .execute();
  },
};
