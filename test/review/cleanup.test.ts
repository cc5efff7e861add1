/**
 * @module End-to-end Episode/Cluster Cleanup on franck dissolving into cap12 (1 s `xfade`, shot cuts off, 16 face
 * samples per track): the one track spanning both men is cut in two by the preview and by apply, in both execution
 * modes; undo restores it; an identity a reviewer assigned is left alone. The standard preset re-clusters the
 * tracks of unassigned identities with the cluster stage's threshold (four shots of two men, clustered too tightly).
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- the tests read the API's JSON answers field by field */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createJobsContext, startWorker, type StageWorker } from '../../src/jobs/index.ts';
import { probeRedis } from '../../src/jobs/queue.ts';
import { listRuns, runPaths, type Db } from '../../src/store/index.ts';
import { waitFor } from '../jobs/harness.ts';
import { openTestDatabase, testDatabase } from '../helpers/database.ts';
import { removeQueueKeys } from '../helpers/redis.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, call, makeDissolve, makeFourShots, runPipeline, type App } from './world.ts';

const EP = 'dissolve-s01e01';
/** Four shots (franck, cap12, franck, cap13) clustered so tightly that each track is its own identity. */
const MIX = 'mix-s01e01';
const prefix = `test-${randomUUID()}`;

let root = '';
let dataDir = '';
let app: App;
let redisUp = false;
let worker: StageWorker | null = null;
let workerDb: Db | null = null;

/** Identities of the review: `[identity_id, track_ids, cast_id]`. */
async function identities(): Promise<[string, number[], string | null][]> {
  const list = await call(app, 'GET', `/episodes/${EP}/identities`);
  return (list.body.items as { identity_id: string; track_ids: number[]; cast_id: string | null }[])
    .map((i): [string, number[], string | null] => [i.identity_id, i.track_ids, i.cast_id])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

beforeAll(async () => {
  root = await makeTempDir('sa-review-cleanup-');
  dataDir = join(root, 'data');
  const config = join(root, 'config.json');
  await writeFile(
    config,
    JSON.stringify({ shots: { cut_threshold: 1 }, faces: { samples_per_track: 16 } }),
  );
  await runPipeline(dataDir, await makeDissolve(root), EP, { SCREENALYTICS_CONFIG: config });
  const tight = join(root, 'tight.json');
  await writeFile(tight, JSON.stringify({ cluster: { distance_threshold: 0.02 } }));
  await runPipeline(dataDir, await makeFourShots(root), MIX, { SCREENALYTICS_CONFIG: tight });
  app = await apiOf(dataDir, {
    jobs: { queue_prefix: prefix },
    review: { auto_assign_tier: 'off' },
  });
  redisUp = await probeRedis(loadConfig({}, {}));
  await call(app, 'POST', '/shows/dissolve/cast/import', { csv: 'cast_id,name\nfranck,Franck\n' });
});

afterAll(async () => {
  await worker?.shutdown();
  await workerDb?.close();
  await app?.close();
  if (redisUp) {
    await removeQueueKeys(prefix);
  }
  await removeTempDir(root);
});

describe('cleanup of a dissolve between two men', () => {
  it('starts as one identity of one track spanning both men', async () => {
    expect(await identities()).toEqual([['id_0001', [1], null]]);
  });

  it('previews the cut without writing anything when apply is false', async () => {
    const res = await call(app, 'POST', `/episodes/${EP}/cleanup_async`, {
      execution_mode: 'local',
      preset: 'quick',
    });
    expect(res.status).toBe(200);
    const result = res.body.result;
    expect(result).toMatchObject({
      applied: false,
      preset: 'quick',
      before: { identities: 1, singletons: 1 },
      after: { identities: 2, singletons: 2 },
      edits: 1,
      cuts: [{ identity_id: 'id_0001', track_id: 1, new_track_id: 2 }],
    });
    // The dissolve runs from 7 s to 8 s.
    expect(result.cuts[0].from_ts).toBeGreaterThanOrEqual(7);
    expect(result.cuts[0].from_ts).toBeLessThanOrEqual(8.5);
    expect(result.after.mean_cohesion).toBeGreaterThan(result.before.mean_cohesion + 0.2);
    expect((await call(app, 'GET', `/episodes/${EP}/review`)).body.version).toBe(0);
    const db = await openTestDatabase(dataDir);
    const [run] = await listRuns(db, EP);
    await db.close();
    expect(existsSync(runPaths(dataDir, EP, run!.run_id).cleanupReport)).toBe(false);
  });

  it('splits the track so the two men are two identities with their own screen time, and undo restores it', async () => {
    const res = await call(app, 'POST', `/episodes/${EP}/cleanup_async`, {
      execution_mode: 'local',
      preset: 'standard',
      apply: true,
    });
    expect(res.body.result).toMatchObject({ applied: true, version: 1, edits: 1, groups: [] });
    expect(await identities()).toEqual([
      ['id_0001', [1], null],
      ['id_0002', [2], null],
    ]);
    const st = await call(app, 'GET', `/episodes/${EP}/screentime`);
    const seconds = (st.body.identities as { identity_id: string; seconds: number }[]).map(
      (i) => i.seconds,
    );
    expect(seconds).toHaveLength(2);
    for (const s of seconds) {
      expect(s).toBeGreaterThan(6);
      expect(s).toBeLessThan(9);
    }
    const fromTs = res.body.result.cuts[0].from_ts as number;
    const tail = await call(app, 'GET', `/episodes/${EP}/identities/id_0002/tracks`);
    expect(tail.body.items[0]).toMatchObject({ track_id: 2, first_ts: fromTs, last_ts: 14.88 });
    expect(tail.body.items[0].thumb_url).toMatch(/\/crops\/1\/\d+\.jpg$/);
    expect((await app.inject({ url: tail.body.items[0].thumb_url as string })).statusCode).toBe(
      200,
    );
    const faces = await call(app, 'GET', `/episodes/${EP}/tracks/2/faces`);
    const tailTs = (faces.body.items as { ts: number }[]).map((f) => f.ts);
    expect(tailTs.length).toBeGreaterThan(4);
    expect(Math.min(...tailTs)).toBeGreaterThanOrEqual(fromTs);
    const head = await call(app, 'GET', `/episodes/${EP}/tracks/1/faces`);
    expect(Math.max(...(head.body.items as { ts: number }[]).map((f) => f.ts))).toBeLessThan(
      fromTs,
    );
    const report = JSON.parse(
      readFileSync(runPaths(dataDir, EP, res.body.run_id).cleanupReport, 'utf8'),
    );
    expect(report).toMatchObject({ schema_version: 1, applied: true, cuts: [{ track_id: 1 }] });
    const undo = await call(app, 'POST', `/episodes/${EP}/undo`, { count: res.body.result.edits });
    expect(undo.status).toBe(200);
    expect(await identities()).toEqual([['id_0001', [1], null]]);
    const back = await call(app, 'GET', `/episodes/${EP}/screentime`);
    expect(back.body.identities[0].seconds).toBeGreaterThan(14);
  });

  it('leaves an identity a reviewer assigned untouched, also when queued in redis mode', async (t) => {
    const assigned = await call(app, 'POST', `/episodes/${EP}/identities/id_0001/assign`, {
      cast_id: 'franck',
    });
    expect(assigned.status).toBe(200);
    const version = assigned.body.version as number;
    let result;
    if (redisUp) {
      const config = loadConfig(
        { data_dir: dataDir, database: testDatabase(dataDir), jobs: { queue_prefix: prefix } },
        {},
      );
      workerDb = await openTestDatabase(dataDir);
      worker = startWorker(createJobsContext(config, workerDb));
      await worker.worker.waitUntilReady();
      const queued = await call(app, 'POST', `/episodes/${EP}/cleanup_async`, {
        execution_mode: 'redis',
        preset: 'standard',
        apply: true,
      });
      expect(queued.status).toBe(202);
      result = (
        await waitFor('the cleanup job', async () => {
          const view = await call(app, 'GET', `/review_jobs/${queued.body.job_id}`);
          return ['success', 'error'].includes(view.body.state) ? view.body : undefined;
        })
      ).result;
    } else {
      await t.annotate('Redis does not answer on 127.0.0.1:6379: ran in local mode only');
      result = (
        await call(app, 'POST', `/episodes/${EP}/cleanup_async`, {
          execution_mode: 'local',
          preset: 'standard',
          apply: true,
        })
      ).body.result;
    }
    expect(result).toMatchObject({
      applied: true,
      cuts: [],
      edits: 0,
      version,
      protected_identity_ids: ['id_0001'],
    });
    expect(await identities()).toEqual([['id_0001', [1], 'franck']]);
  });

  it('answers 409 and writes nothing when apply names a version the review has moved on from', async () => {
    const before = (await call(app, 'GET', `/episodes/${EP}/review`)).body.version as number;
    const res = await call(app, 'POST', `/episodes/${EP}/cleanup_async`, {
      execution_mode: 'local',
      preset: 'quick',
      apply: true,
      expected_version: before - 1,
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT' });
    expect(String(res.body.error.message)).toMatch(/preview the cleanup again/);
    expect((await call(app, 'GET', `/episodes/${EP}/review`)).body.version).toBe(before);
  });
});

describe('standard cleanup of identities clustered too tightly', () => {
  it('re-clusters four one-track identities into the two men as moves, and quick leaves them', async () => {
    const quick = await call(app, 'POST', `/episodes/${MIX}/cleanup_async`, {
      execution_mode: 'local',
      preset: 'quick',
    });
    expect(quick.body.result).toMatchObject({ edits: 0, cuts: [], moved_track_ids: [] });
    const res = await call(app, 'POST', `/episodes/${MIX}/cleanup_async`, {
      execution_mode: 'local',
      preset: 'standard',
      apply: true,
    });
    expect(res.body.result).toMatchObject({
      applied: true,
      before: { identities: 4, singletons: 4 },
      after: { identities: 2, singletons: 0 },
      cuts: [],
      moved_track_ids: [3, 4],
    });
    const list = await call(app, 'GET', `/episodes/${MIX}/identities`);
    const tracks = (list.body.items as { track_ids: number[] }[]).map((i) => i.track_ids);
    expect(tracks.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});
