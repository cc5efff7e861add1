/**
 * @module A change of an episode's video: refused with 409 while a stage job of the episode runs (the old video
 * kept), and afterwards every stage of the run is stale, its `stale_reason` saying the video changed, because each
 * marker fingerprints the video it read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMarker, runPaths } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { CLIPS } from '../jobs/harness.ts';
import { addUsers, bearerOf, signIn } from '../helpers/accounts.ts';
import { apiOf, multipart, type App } from './security-world.ts';

const EP_ID = 'stale-s01e01';
const STAGES = ['detect_track', 'faces_embed', 'cluster', 'screentime'];
type Status = {
  run_id: string;
  stages: Record<string, { status: string; stale_reason: string | null }>;
};

let dir = '';
let app: App;

beforeAll(async () => {
  dir = await makeTempDir('sa-sec-stale-');
  const cli = await runCli(['run', CLIPS.cap13, '--ep-id', EP_ID, '--json'], { dataDir: dir });
  expect(cli.code, cli.stderr).toBe(0);
  app = await apiOf(dir, { api: { media_roots: [dirname(CLIPS.cap13)] } });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await removeTempDir(dir);
});

const upload = (epId: string, path: string) => {
  const body = multipart('video.mp4', readFileSync(path), 'video/mp4');
  return app.inject({
    method: 'POST',
    url: `/episodes/${epId}/video`,
    payload: body.payload,
    headers: body.headers,
  });
};

const status = async (epId: string): Promise<Status> =>
  (await app.inject({ method: 'GET', url: `/episodes/${epId}/status` })).json<Status>();

describe('stale on input change', () => {
  it('records the video fingerprint in every marker and keeps stages fresh while it holds', async () => {
    const { run_id: runId, stages } = await status(EP_ID);
    for (const stage of STAGES) {
      expect(stages[stage]!.status, stage).toBe('success');
      const marker = readMarker(runPaths(dir, EP_ID, runId).marker(stage as 'cluster'));
      expect(marker?.fingerprints?.video).toMatchObject({
        size_bytes: readFileSync(CLIPS.cap13).length,
      });
    }
  });

  it('marks later stages stale when an upstream output changes, fresh again when its bytes come back', async () => {
    const { run_id: runId } = await status(EP_ID);
    const tracks = runPaths(dir, EP_ID, runId).tracks;
    const original = readFileSync(tracks);
    writeFileSync(tracks, Buffer.concat([original, Buffer.from('\n')]));
    const changed = (await status(EP_ID)).stages;
    expect(changed.detect_track!.status).toBe('success');
    expect(changed.faces_embed!.status).toBe('stale');
    expect(changed.faces_embed!.stale_reason).toMatch(/output tracks\.jsonl changed/);
    expect(changed.screentime!.status).toBe('stale');
    writeFileSync(tracks, original);
    const back = (await status(EP_ID)).stages;
    for (const stage of STAGES) {
      expect(back[stage]!.status, stage).toBe('success');
    }
  });

  it('refuses a new video with 409 while a stage job runs', async () => {
    const other = 'stale-s01e02';
    const created = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 'Stale', season: 1, episode: 2 },
    });
    expect(created.statusCode).toBe(201);
    expect((await upload(other, CLIPS.cap12)).statusCode).toBe(200);
    const job = app.inject({
      method: 'POST',
      url: '/jobs/detect_track',
      payload: { ep_id: other, execution_mode: 'local' },
    });
    let running: { job_id: string }[] = [];
    for (let i = 0; i < 200 && running.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const res = await app.inject({ method: 'GET', url: `/episodes/${other}/jobs/running` });
      running = res.json<{ jobs: { job_id: string }[] }>().jobs;
    }
    expect(running.length).toBe(1);
    const refused = await upload(other, CLIPS.cap13);
    expect(refused.statusCode).toBe(409);
    const again = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 'Stale', season: 1, episode: 2, video_path: CLIPS.cap13 },
    });
    expect(again.statusCode).toBe(409);
    await app.inject({ method: 'POST', url: `/jobs/${running[0]!.job_id}/cancel` });
    await job;
  }, 60_000);

  it('marks every stage stale, saying the video changed, after another video is uploaded', async () => {
    expect((await upload(EP_ID, CLIPS.cap12)).statusCode).toBe(200);
    const { stages } = await status(EP_ID);
    for (const stage of STAGES) {
      expect(stages[stage]!.status, stage).toBe('stale');
      expect(stages[stage]!.stale_reason, stage).toMatch(/video changed/);
    }
  });

  it('records the signed-in reviewer of an edit; X-Reviewer or a body reviewer is refused (400); a viewer gets 403', async () => {
    await addUsers(dir, { rita: 'reviewer', vic: 'viewer' });
    const rita = { cookie: await signIn(app, 'rita') };
    const cast = await app.inject({
      method: 'POST',
      url: '/shows/stale/cast',
      payload: { name: 'Someone' },
      headers: rita,
    });
    expect(cast.statusCode).toBe(201);
    const ids = await app.inject({
      method: 'GET',
      url: `/episodes/${EP_ID}/identities`,
      headers: rita,
    });
    const id = ids.json<{ items: { identity_id: string }[] }>().items[0]!.identity_id;
    const url = `/episodes/${EP_ID}/identities/${id}/assign`;
    const vic = { cookie: await signIn(app, 'vic') };
    const assign = (headers: Record<string, string>, payload: object = { cast_id: 'someone' }) =>
      app.inject({ method: 'POST', url, payload, headers });
    expect((await assign(vic)).statusCode).toBe(403);
    const header = await assign({ ...rita, 'x-reviewer': 'mallory' });
    expect(header.statusCode).toBe(400);
    expect(header.body).toMatch(/X-Reviewer/);
    const field = await assign(rita, { cast_id: 'someone', reviewer: 'mallory' });
    expect(field.statusCode).toBe(400);
    const edits = () =>
      app
        .inject({ method: 'GET', url: `/episodes/${EP_ID}/edits`, headers: vic })
        .then((r) => r.json<{ items: { reviewer: string }[] }>().items);
    expect((await edits()).map((e) => e.reviewer)).not.toContain('mallory');
    expect((await assign(rita)).statusCode).toBe(200);
    expect((await edits())[0]!.reviewer).toBe('rita');
    const unassign = await app.inject({
      method: 'POST',
      url: `/episodes/${EP_ID}/identities/${id}/unassign`,
      payload: {},
      headers: { authorization: await bearerOf(dir, 'rita') },
    });
    expect(unassign.statusCode, unassign.body).toBe(200);
    expect((await edits())[0]!).toMatchObject({ kind: 'unassign', reviewer: 'rita' });
  });
});
