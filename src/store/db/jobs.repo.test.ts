/** @module Tests of the jobs repository transitions against a real database (SQLite, or PostgreSQL in CI's second pass). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { upsertEpisode } from './episodes.repo.ts';
import {
  claimJob,
  endLostJob,
  findActiveJob,
  finishJob,
  getJob,
  heartbeatJob,
  insertJob,
  jobOfKind,
  listActiveJobs,
  listStageJobs,
  markJobStalled,
  requestJobCancel,
  requeueJob,
  type NewJob,
  type NewReviewJob,
} from './jobs.repo.ts';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { jobs as stageJobsTable } from './migrations/002-jobs.ts';
import { oneJobsTable } from './migrations/006-one-jobs-table.ts';
import { ddlFor } from './migrations/ddl.ts';
import { transact, type Db } from './open.ts';
import { createRun } from './runs.repo.ts';

let dir: string;
let db: Db;
let input: NewJob;
const runner = { host: 'box', pid: 4242 };
const t0 = new Date('2026-11-21T06:54:00Z');
const t1 = new Date('2026-11-21T06:54:10Z');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-jobs-'));
  db = await openTestDatabase(dir);
  await upsertEpisode(db, { ep_id: 'fotb-s01e11' });
  const run = await createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
  input = {
    kind: 'stage',
    ep_id: 'fotb-s01e11',
    run_id: run.run_id,
    stage: 'detect_track',
    mode: 'redis',
    profile: 'balanced',
    device: 'auto',
    allow_cpu_fallback: false,
  };
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('insertJob', () => {
  it('stores a queued job without runner or heartbeat when mode is redis', async () => {
    const job = await insertJob(db, input, t0);
    expect(job).toMatchObject({
      state: 'queued',
      created_at: t0.toISOString(),
      heartbeat_at: null,
      resume: false,
    });
    expect(await getJob(db, job.job_id)).toEqual(job);
    expect(await findActiveJob(db, 'fotb-s01e11', 'detect_track')).toEqual(job);
  });

  it('throws ConflictError when the stage already has an active job', async () => {
    await insertJob(db, input);
    await expect(insertJob(db, { ...input, mode: 'local', runner })).rejects.toThrow(ConflictError);
  });

  it('admits a new job once the previous one is final', async () => {
    const first = await insertJob(db, input, t0);
    await requestJobCancel(db, first.job_id, t0);
    const second = await insertJob(db, { ...input, mode: 'local', runner }, t1);
    expect(second).toMatchObject({
      state: 'running',
      host: 'box',
      runner_pid: 4242,
      heartbeat_at: t1.toISOString(),
    });
    expect(
      (await listStageJobs(db, 'fotb-s01e11', 'detect_track', 10)).map((j) => j.job_id),
    ).toEqual([second.job_id, first.job_id]);
  });
  it('admits exactly one of 20 concurrent inserts of one stage', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => insertJob(db, input)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ConflictError);
    }
  });

  it('lists the newest job first when two were created at the same time', async () => {
    const first = await insertJob(db, input, t0);
    await requestJobCancel(db, first.job_id, t0);
    const second = await insertJob(db, input, t0);
    expect(second.created_at).toBe(first.created_at);
    const [newest] = await listStageJobs(db, 'fotb-s01e11', 'detect_track', 1);
    expect(newest?.job_id).toBe(second.job_id);
  });
});

describe('transitions', () => {
  it('claims, heartbeats with progress and finishes when the job runs normally', async () => {
    const job = await insertJob(db, input, t0);
    const claimed = await claimJob(db, job.job_id, runner, t0);
    expect(claimed).toMatchObject({
      state: 'running',
      started_at: t0.toISOString(),
      runner_pid: 4242,
    });
    expect(await claimJob(db, job.job_id, runner)).toBeNull();
    const progress = { frames_done: 10, frames_total: 100, fps: 5, eta_s: 18 };
    expect(await heartbeatJob(db, job.job_id, progress, t1)).toMatchObject({
      heartbeat_at: t1.toISOString(),
      progress,
    });
    expect(await finishJob(db, job.job_id, { state: 'success' }, t1)).toMatchObject({
      state: 'success',
      progress,
    });
    expect(await finishJob(db, job.job_id, { state: 'error', error: 'late' })).toBeNull();
    expect(await heartbeatJob(db, job.job_id, null)).toBeNull();
  });

  it('cancels a queued job at once and flags a running one for its runner', async () => {
    const queued = await insertJob(db, input);
    expect(await requestJobCancel(db, queued.job_id, t1)).toMatchObject({
      state: 'cancelled',
      finished_at: t1.toISOString(),
    });
    const running = await insertJob(db, { ...input, mode: 'local', runner });
    expect(await requestJobCancel(db, running.job_id, t1)).toMatchObject({
      state: 'running',
      cancel_requested_at: t1.toISOString(),
    });
    await expect(requestJobCancel(db, 'job-nope')).rejects.toThrow(NotFoundError);
  });

  it('marks a stall once and clears it on the next heartbeat', async () => {
    const job = await insertJob(db, { ...input, mode: 'local', runner });
    expect(await markJobStalled(db, job.job_id, t1)).toBe(true);
    expect(await markJobStalled(db, job.job_id, t1)).toBe(false);
    expect((await heartbeatJob(db, job.job_id, null))?.stalled_at).toBeNull();
  });

  it('requeues a running job with resume set and ends a lost one with its reason', async () => {
    const job = await insertJob(db, input);
    await claimJob(db, job.job_id, runner);
    expect(await requeueJob(db, job.job_id)).toMatchObject({
      state: 'queued',
      resume: true,
      runner_pid: null,
      heartbeat_at: null,
    });
    expect(await endLostJob(db, job.job_id, 'lost: runner gone')).toMatchObject({
      state: 'error',
      error: 'lost: runner gone',
    });
    expect(await endLostJob(db, job.job_id, 'again')).toBeNull();
  });
});

describe('review jobs', () => {
  const review = (): NewReviewJob => ({
    kind: 'review',
    ep_id: input.ep_id,
    run_id: input.run_id,
    operation: 'group',
    mode: 'redis',
    params: { min_similarity: 0.7 },
    reviewer: 'ana',
  });

  it('stores a review job beside a stage job of the same episode, each read back as its kind', async () => {
    const stage = await insertJob(db, input, t0);
    const job = await insertJob(db, review(), t0);
    expect(job).toMatchObject({
      kind: 'review',
      operation: 'group',
      state: 'queued',
      params: { min_similarity: 0.7 },
      reviewer: 'ana',
      requested_by: 'ana',
      result: null,
    });
    expect(job.job_id).toMatch(/^rjob-/);
    expect(await getJob(db, job.job_id, 'review')).toEqual(job);
    expect(await getJob(db, job.job_id, 'any')).toEqual(job);
    expect(await getJob(db, job.job_id)).toBeNull();
    expect(await getJob(db, stage.job_id, 'review')).toBeNull();
    expect(await findActiveJob(db, input.ep_id, 'group', 'review')).toEqual(job);
    expect(await listActiveJobs(db, input.ep_id)).toEqual([stage]);
  });

  it('refuses a second active job of one operation, naming the active one', async () => {
    const job = await insertJob(db, review());
    await expect(insertJob(db, { ...review(), mode: 'local', runner })).rejects.toThrow(
      `group of fotb-s01e11 is already queued as job ${job.job_id}`,
    );
  });

  it('claims, reports progress, finishes with a result, and cancels through the same transitions', async () => {
    const job = await insertJob(db, review(), t0);
    expect(await claimJob(db, job.job_id, runner, t0)).toMatchObject({
      kind: 'review',
      state: 'running',
      runner_pid: 4242,
    });
    expect(await heartbeatJob(db, job.job_id, { done: 3, total: 4 }, t1)).toMatchObject({
      heartbeat_at: t1.toISOString(),
      progress: { done: 3, total: 4 },
    });
    expect(
      await finishJob(db, job.job_id, { state: 'success', result: { groups: [] } }, t1),
    ).toMatchObject({ state: 'success', result: { groups: [] }, progress: { done: 3, total: 4 } });
    const running = await insertJob(db, { ...review(), mode: 'local', runner });
    expect(await requestJobCancel(db, running.job_id, t1)).toMatchObject({
      state: 'running',
      cancel_requested_at: t1.toISOString(),
    });
  });

  it('refuses to type a review job as a stage job', async () => {
    const job = await insertJob(db, review());
    expect(() => jobOfKind('stage', job)).toThrow(/is a review job, not a stage job/);
    expect(jobOfKind('review', job)).toBe(job);
  });
});

describe('migration 006 (one jobs table)', () => {
  it('carries the stage jobs and review jobs of a database at migration 005 over, with their parameters', async () => {
    const q = db.q as Kysely<unknown>;
    const ddl = ddlFor(db.engine);
    // Back to migration 005's tables: 002's `jobs` and 003's `review_jobs`.
    await q.schema.dropTable('jobs').execute();
    await stageJobsTable.up(q, ddl);
    await ddl
      .finish(
        q.schema
          .createTable('review_jobs')
          .addColumn('job_id', ddl.text, (c) => c.primaryKey())
          .addColumn('ep_id', ddl.text, (c) => c.notNull().references('episodes.ep_id'))
          .addColumn('run_id', ddl.text, (c) => c.notNull().references('runs.run_id'))
          .addColumn('operation', ddl.text, (c) => c.notNull())
          .addColumn('mode', ddl.text, (c) => c.notNull())
          .addColumn('state', ddl.text, (c) => c.notNull())
          .addColumn('params', ddl.text, (c) => c.notNull())
          .addColumn('reviewer', ddl.text, (c) => c.notNull())
          .addColumn('created_at', ddl.text, (c) => c.notNull())
          .addColumn('started_at', ddl.text)
          .addColumn('finished_at', ddl.text)
          .addColumn('heartbeat_at', ddl.text)
          .addColumn('cancel_requested_at', ddl.text)
          .addColumn('host', ddl.text)
          .addColumn('runner_pid', 'integer')
          .addColumn('progress', ddl.text)
          .addColumn('result', ddl.text)
          .addColumn('error', ddl.text),
      )
      .execute();
    const old = q as Kysely<{
      jobs: Record<string, unknown>;
      review_jobs: Record<string, unknown>;
    }>;
    const common = { ep_id: input.ep_id, run_id: input.run_id, host: 'box', runner_pid: 4242 };
    await old
      .insertInto('jobs')
      .values({
        ...common,
        job_id: 'job-old',
        stage: 'faces_embed',
        mode: 'redis',
        state: 'error',
        profile: 'balanced',
        device: 'cpu',
        allow_cpu_fallback: 1,
        resume: 1,
        resumed_from: 'job-older',
        created_at: t1.toISOString(),
        child_pid: 99,
        progress: JSON.stringify({ frames_done: 1, frames_total: 2, fps: 3, eta_s: null }),
        error: 'lost: gone',
      })
      .execute();
    await old
      .insertInto('review_jobs')
      .values({
        ...common,
        job_id: 'rjob-old',
        operation: 'batch_assign',
        mode: 'local',
        state: 'success',
        params: JSON.stringify({ tier: 'strong' }),
        reviewer: 'ana',
        created_at: t0.toISOString(),
        progress: JSON.stringify({ done: 2, total: 2 }),
        result: JSON.stringify({ version: 7 }),
      })
      .execute();

    await transact(db, (tx) => oneJobsTable.up(tx.q as Kysely<unknown>, ddl));

    expect(await getJob(db, 'job-old')).toMatchObject({
      kind: 'stage',
      stage: 'faces_embed',
      state: 'error',
      profile: 'balanced',
      device: 'cpu',
      allow_cpu_fallback: true,
      resume: true,
      resumed_from: 'job-older',
      requested_by: null,
      child_pid: 99,
      progress: { frames_done: 1, frames_total: 2, fps: 3, eta_s: null },
      error: 'lost: gone',
    });
    expect(await getJob(db, 'rjob-old', 'review')).toMatchObject({
      kind: 'review',
      operation: 'batch_assign',
      mode: 'local',
      params: { tier: 'strong' },
      reviewer: 'ana',
      requested_by: 'ana',
      progress: { done: 2, total: 2 },
      result: { version: 7 },
    });
    // The new table takes new rows after the copied ones, with its one-active index in place.
    const fresh = await insertJob(db, { ...input, stage: 'faces_embed' });
    expect((await listStageJobs(db, input.ep_id, 'faces_embed', 10)).map((j) => j.job_id)).toEqual([
      fresh.job_id,
      'job-old',
    ]);
    await expect(insertJob(db, { ...input, stage: 'faces_embed' })).rejects.toThrow(ConflictError);
  });
});
