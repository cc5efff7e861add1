/** @module Tests of the jobs repository transitions against a real database (SQLite, or PostgreSQL in CI's second pass). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  listStageJobs,
  markJobStalled,
  requestJobCancel,
  requeueJob,
  type NewJob,
} from './jobs.repo.ts';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import type { Db } from './open.ts';
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
    ep_id: 'fotb-s01e11',
    run_id: run.run_id,
    stage: 'detect_track',
    mode: 'redis',
    state: 'queued',
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
    await expect(
      insertJob(db, { ...input, mode: 'local', state: 'running', runner }),
    ).rejects.toThrow(ConflictError);
  });

  it('admits a new job once the previous one is final', async () => {
    const first = await insertJob(db, input, t0);
    await requestJobCancel(db, first.job_id, t0);
    const second = await insertJob(db, { ...input, mode: 'local', state: 'running', runner }, t1);
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
    expect(Date.parse(second.created_at)).toBe(t0.getTime() + 1);
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
    const running = await insertJob(db, { ...input, state: 'running', mode: 'local', runner });
    expect(await requestJobCancel(db, running.job_id, t1)).toMatchObject({
      state: 'running',
      cancel_requested_at: t1.toISOString(),
    });
    await expect(requestJobCancel(db, 'job-nope')).rejects.toThrow(NotFoundError);
  });

  it('marks a stall once and clears it on the next heartbeat', async () => {
    const job = await insertJob(db, { ...input, state: 'running', mode: 'local', runner });
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
