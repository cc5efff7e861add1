/**
 * @module Migration 006: one `jobs` table for every kind of job (stage jobs of 002 and review jobs of 003): a
 * `kind`, the stage or operation as `name`, the kind's parameters as one JSON `params` object, who asked for it
 * (`requested_by`), and `seq`, the database's numbering of rows in insertion order. The rows of the old `jobs`
 * and `review_jobs` tables are copied over (in creation order) in TypeScript, so no dialect-specific JSON SQL is
 * needed; then the old tables are dropped and `jobs_new` becomes `jobs`.
 */
import { sql, type Kysely } from 'kysely';
import { ACTIVE_STATES, JOB_STATE_CHECK, MODE_CHECK, type SchemaMigration } from './ddl.ts';

/** The columns of migration 002's `jobs` that 006 reads. */
interface StageJobRow {
  job_id: string;
  stage: string;
  profile: string;
  device: string;
  allow_cpu_fallback: number;
  resume: number;
  resumed_from: string | null;
  stalled_at: string | null;
  child_pid: number | null;
}

/** The columns of migration 003's `review_jobs` that 006 reads. */
interface ReviewJobRow {
  job_id: string;
  operation: string;
  params: string;
  reviewer: string;
  result: string | null;
}

/** The columns both old tables share. */
interface CommonRow {
  ep_id: string;
  run_id: string;
  mode: string;
  state: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  cancel_requested_at: string | null;
  host: string | null;
  runner_pid: number | null;
  progress: string | null;
  error: string | null;
}

/** A row of the new table as inserted (`seq` left to the database). */
interface NewRow extends CommonRow {
  job_id: string;
  kind: 'stage' | 'review';
  name: string;
  params: string;
  requested_by: string | null;
  stalled_at: string | null;
  child_pid: number | null;
  result: string | null;
}

interface Tables {
  jobs: StageJobRow & CommonRow;
  review_jobs: ReviewJobRow & CommonRow;
  jobs_new: NewRow;
}

/** Rows inserted per statement (20 columns: far below either engine's bound-parameter limit). */
const CHUNK = 200;

/** Reads both old tables into rows of the new one, in creation order (then job id). */
async function oldRows(db: Kysely<Tables>): Promise<NewRow[]> {
  const stage = await db.selectFrom('jobs').selectAll().execute();
  const review = await db.selectFrom('review_jobs').selectAll().execute();
  const rows: NewRow[] = [
    ...stage.map(
      ({ stage: name, profile, device, allow_cpu_fallback, resume, resumed_from, ...rest }) => ({
        ...rest,
        kind: 'stage' as const,
        name,
        params: JSON.stringify({
          profile,
          device,
          allow_cpu_fallback: allow_cpu_fallback === 1,
          resume: resume === 1,
          resumed_from,
        }),
        requested_by: null,
        result: null,
      }),
    ),
    ...review.map(({ operation, reviewer, ...rest }) => ({
      ...rest,
      kind: 'review' as const,
      name: operation,
      requested_by: reviewer,
      stalled_at: null,
      child_pid: null,
    })),
  ];
  const key = (r: NewRow): string => `${r.created_at} ${r.job_id}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Migration 006. */
export const oneJobsTable: SchemaMigration = {
  async up(db, { text, serialKey, finish }) {
    await finish(
      db.schema
        .createTable('jobs_new')
        .addColumn('seq', 'integer', serialKey)
        .addColumn('job_id', text, (c) => c.notNull().unique())
        .addColumn('kind', text, (c) => c.notNull())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('ep_id', text, (c) =>
          c.notNull().references('episodes.ep_id').onDelete('cascade'),
        )
        .addColumn('run_id', text, (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
        .addColumn('mode', text, (c) => c.notNull())
        .addColumn('state', text, (c) => c.notNull())
        .addColumn('params', text, (c) => c.notNull())
        .addColumn('requested_by', text)
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
        .addColumn('result', text)
        .addColumn('error', text)
        .addCheckConstraint('jobs_kind', sql`kind in ('stage', 'review')`)
        .addCheckConstraint('jobs_mode', MODE_CHECK)
        .addCheckConstraint('jobs_state', JOB_STATE_CHECK),
    ).execute();
    const typed = db as Kysely<Tables>;
    const rows = await oldRows(typed);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await typed
        .insertInto('jobs_new')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
    await db.schema.dropTable('jobs').execute();
    await db.schema.dropTable('review_jobs').execute();
    await db.schema.alterTable('jobs_new').renameTo('jobs').execute();
    await db.schema
      .createIndex('jobs_one_active')
      .unique()
      .on('jobs')
      .columns(['ep_id', 'kind', 'name'])
      .where(ACTIVE_STATES)
      .execute();
    await db.schema
      .createIndex('jobs_by_name')
      .on('jobs')
      .columns(['ep_id', 'kind', 'name', 'seq'])
      .execute();
  },
};
