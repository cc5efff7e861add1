/**
 * @module End-to-end on franck and cap12 side by side (two faces in every frame): a cast member's overlapping
 * tracks count once; auto-group never proposes two identities seen in one frame; the long operations honour
 * `execution_mode` (local: blocking, no job id; redis: job id, progress, run by an in-process worker on a per-test
 * queue prefix), one active per episode and operation, cancellable while queued.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- the tests read the API's JSON answers field by field */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createJobsContext, startWorker, type StageWorker } from '../../src/jobs/index.ts';
import { probeRedis } from '../../src/jobs/queue.ts';
import { getJob, insertJob, listRuns, type Db } from '../../src/store/index.ts';
import { waitFor } from '../jobs/harness.ts';
import { extractFrame } from '../helpers/media.ts';
import { signedIn, type Injector } from '../helpers/accounts.ts';
import { openTestDatabase, testDatabase } from '../helpers/database.ts';
import { removeQueueKeys } from '../helpers/redis.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, call, CLIPS, makeSideBySide, runPipeline, type App } from './world.ts';

const EP = 'pair-s01e01';
const DURATION_S = 10;
const prefix = `test-${randomUUID()}`;

let root = '';
let dataDir = '';
let server: App;
/** The reviewer dan, signed in. */
let app: Injector;
let redisUp = false;
let worker: StageWorker | null = null;
let workerDb: Db | null = null;
/** Identity ids of the left (franck) and right (cap12) face. */
let ids: string[] = [];

beforeAll(async () => {
  root = await makeTempDir('sa-review-pair-');
  dataDir = join(root, 'data');
  await runPipeline(dataDir, await makeSideBySide(root, DURATION_S), EP);
  // Auto-assignment off: a facebank upload names nothing by itself, so batch_assign's own naming is what is seen.
  server = await apiOf(dataDir, {
    jobs: { queue_prefix: prefix },
    review: { auto_assign_tier: 'off' },
  });
  app = (await signedIn(server, dataDir, { dan: 'reviewer' })).dan;
  redisUp = await probeRedis(loadConfig({}, {}));
  await call(app, 'POST', '/shows/pair/cast/import', {
    csv: 'cast_id,name\nfranck,Franck\ncap,Cap\nboth,Both\n',
  });
  const list = await call(app, 'GET', `/episodes/${EP}/identities`);
  ids = (list.body.items as { identity_id: string }[]).map((i) => i.identity_id);
});

afterAll(async () => {
  await worker?.shutdown();
  await workerDb?.close();
  await server?.close();
  if (redisUp) {
    await removeQueueKeys(prefix);
  }
  await removeTempDir(root);
});

describe('side by side', () => {
  it('counts a cast member once when two of its identities are on screen at the same time', async () => {
    expect(ids).toHaveLength(2);
    await call(app, 'POST', `/episodes/${EP}/clusters/batch_assign`, {
      assignments: ids.map((id) => ({ identity_id: id, cast_id: 'both' })),
    });
    await call(app, 'POST', '/jobs/screentime', { ep_id: EP, execution_mode: 'local' });
    const st = (await call(app, 'GET', `/episodes/${EP}/screentime`)).body;
    const perIdentity = (st.identities as { seconds: number }[]).map((i) => i.seconds);
    const [both] = st.cast as { cast_id: string; seconds: number }[];
    expect(both!.cast_id).toBe('both');
    expect(both!.seconds).toBeGreaterThanOrEqual(Math.max(...perIdentity));
    expect(both!.seconds).toBeLessThanOrEqual(st.duration_s);
    expect(perIdentity.reduce((a, b) => a + b, 0)).toBeGreaterThan(1.8 * both!.seconds);
    await call(app, 'POST', `/episodes/${EP}/undo`, {});
  });

  it('never proposes two identities sharing a frame as one group, in local mode without a job id', async () => {
    const res = await call(app, 'POST', `/episodes/${EP}/clusters/group_async`, {
      execution_mode: 'local',
      min_similarity: -1,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'completed',
      execution_mode: 'local',
      operation: 'group',
    });
    expect(res.body.job_id).toBeUndefined();
    expect(res.body.result.groups).toEqual([]);
    const stored = await call(app, 'GET', `/episodes/${EP}/clusters/groups`);
    expect(stored.body).toMatchObject({ groups: [], min_similarity: -1, stale: false });
  });

  it('assigns from the facebank in one edit when batch_assign accepts suggestions down to high', async () => {
    const photo = join(root, 'cap.png');
    await extractFrame(CLIPS.cap12, 5, photo);
    const boundary = '----pair';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cap.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      readFileSync(photo),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await app.inject({
      method: 'POST',
      url: '/shows/pair/cast/cap/facebank',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(up.statusCode).toBe(201);
    expect(JSON.parse(up.body)).toMatchObject({ auto_assigned: 0 });
    const res = await call(app, 'POST', `/episodes/${EP}/clusters/batch_assign_async`, {
      execution_mode: 'local',
      accept_tier: 'high',
    });
    expect(res.body.status).toBe('completed');
    expect(res.body.result.assigned).toEqual([
      expect.objectContaining({ cast_id: 'cap', tier: expect.stringMatching(/auto|high/) }),
    ]);
    const review = await call(app, 'GET', `/episodes/${EP}/review`);
    expect(review.body).toMatchObject({ assigned: 1, unassigned: 1 });
  });
});

describe('review jobs in redis mode', () => {
  it('answers 409 naming the queued job when the operation is asked again, and cancels the queued one', async (t) => {
    if (!redisUp) {
      t.skip(
        'Redis does not answer on 127.0.0.1:6379: start redis-server to run the redis-mode tests',
      );
    }
    const queued = await call(app, 'POST', `/episodes/${EP}/refresh_similarity_async`, {
      execution_mode: 'redis',
    });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued', execution_mode: 'redis', workers: 0 });
    expect(queued.body.warning).toMatch(/No worker/);
    const again = await call(app, 'POST', `/episodes/${EP}/refresh_similarity_async`, {
      execution_mode: 'local',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(queued.body.job_id);
    const cancelled = await call(app, 'POST', `/review_jobs/${queued.body.job_id}/cancel`);
    expect(cancelled.body).toMatchObject({ job_id: queued.body.job_id, state: 'cancelled' });
  });

  it('returns a job id at once and a worker runs the operation, reporting progress and the result', async (t) => {
    if (!redisUp) {
      t.skip(
        'Redis does not answer on 127.0.0.1:6379: start redis-server to run the redis-mode tests',
      );
    }
    const config = loadConfig(
      { data_dir: dataDir, database: testDatabase(dataDir), jobs: { queue_prefix: prefix } },
      {},
    );
    workerDb = await openTestDatabase(dataDir);
    worker = startWorker(createJobsContext(config, workerDb));
    await worker.worker.waitUntilReady();
    const queued = await call(app, 'POST', `/episodes/${EP}/refresh_similarity_async`, {
      execution_mode: 'redis',
    });
    expect(queued.status).toBe(202);
    const jobId = queued.body.job_id as string;
    const done = await waitFor('the review job to end', async () => {
      const view = await call(app, 'GET', `/review_jobs/${jobId}`);
      return ['success', 'error', 'cancelled'].includes(view.body.state) ? view.body : undefined;
    });
    expect(done).toMatchObject({
      job_id: jobId,
      state: 'success',
      execution_mode: 'redis',
      operation: 'refresh_similarity',
      reviewer: 'dan',
      progress: { done: 2, total: 2, pct: 100 },
      result: { identities: 2, suggested: 1 },
    });
    const sugg = await call(app, 'GET', `/episodes/${EP}/suggestions`);
    expect(sugg.body).toMatchObject({ stale: false, total: 2 });
    const open = (sugg.body.items as { cast_id: string | null; suggestions: unknown[] }[]).find(
      (i) => !i.cast_id,
    );
    expect(open!.suggestions).toEqual([expect.objectContaining({ cast_id: 'cap', tier: 'low' })]);
  });

  it('runs an explicit batch assignment queued in redis mode as one edit', async (t) => {
    if (!redisUp) {
      t.skip(
        'Redis does not answer on 127.0.0.1:6379: start redis-server to run the redis-mode tests',
      );
    }
    const before = (await call(app, 'GET', `/episodes/${EP}/review`)).body.version as number;
    const queued = await call(app, 'POST', `/episodes/${EP}/clusters/batch_assign_async`, {
      execution_mode: 'redis',
      assignments: ids.map((id) => ({ identity_id: id, cast_id: 'both' })),
    });
    const done = await waitFor('the batch assignment', async () => {
      const view = await call(app, 'GET', `/review_jobs/${queued.body.job_id}`);
      return view.body.state === 'success' ? view.body : undefined;
    });
    expect(done.result.version).toBe(before + 1);
    expect((await call(app, 'GET', `/episodes/${EP}/review`)).body).toMatchObject({
      assigned: 2,
      version: before + 1,
    });
  });
});

describe('a review job whose runner died', () => {
  it('is ended as lost and replaced when the same operation is asked again', async () => {
    const db = await openTestDatabase(dataDir);
    const [run] = await listRuns(db, EP);
    const dead = await insertJob(db, {
      kind: 'review',
      ep_id: EP,
      run_id: run!.run_id,
      operation: 'group',
      mode: 'local',
      params: {},
      reviewer: 'ghost',
      runner: { host: hostname(), pid: 2 ** 22 + 1 },
    });
    const res = await call(app, 'POST', `/episodes/${EP}/clusters/group_async`, {
      execution_mode: 'local',
    });
    expect(res.status).toBe(200);
    expect(await getJob(db, dead.job_id, 'review')).toMatchObject({
      state: 'error',
      error: expect.stringMatching(/^lost:/),
    });
    await db.close();
  });
});
