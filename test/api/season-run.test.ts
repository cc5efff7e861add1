/**
 * @module Season routes through `inject()`: registering many episodes at once (server paths and a multi-file
 * upload; an unreadable file is skipped, two files with one number refuse the request and register nothing), and a
 * `local` season run of two short episodes, one after another inside the request, read back with
 * `GET /shows/{show}/seasons/{season}/run`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/index.ts';
import { REFUSED_VIDEO_PATH } from '../../src/jobs/media-path.ts';
import { ffmpeg } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';

type App = Awaited<ReturnType<typeof buildServer>>;

/** Seconds of each clip kept. */
const CUT_S = 5;

let world: JobsWorld;
let app: App;
let media = '';
const file = (name: string): string => join(media, name);

beforeAll(async () => {
  world = await JobsWorld.create();
  media = await makeTempDir('sa-season-media-');
  const input = world.configInput() as { api: { media_roots: string[] } };
  app = await buildServer({
    config: loadConfig({ ...input, api: { media_roots: [...input.api.media_roots, media] } }),
  });
  await ffmpeg(['-i', CLIPS.cap12, '-t', String(CUT_S), '-c', 'copy', file('Pilot.S01E01.mp4')]);
  await ffmpeg(['-i', CLIPS.cap13, '-t', String(CUT_S), '-c', 'copy', file('Second.S01E02.mp4')]);
  await ffmpeg(['-i', CLIPS.cap13, '-t', String(CUT_S), '-c', 'copy', file('again 1x02.mp4')]);
  await writeFile(file('notes.txt'), 'not a video\n');
});

afterAll(async () => {
  await app?.close();
  await world?.close();
  await removeTempDir(media);
});

/** A multipart/form-data body with one file field per file. */
async function multipart(
  names: string[],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const boundary = '----screenalytics-season-test';
  const parts: Buffer[] = [];
  for (const name of names) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: video/mp4\r\n\r\n`,
      ),
      await readFile(file(name)),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function episodesOf(show: string): Promise<string[]> {
  const res = await app.inject({ method: 'GET', url: '/episodes' });
  return res
    .json<{ episodes: { ep_id: string; show_id: string }[] }>()
    .episodes.filter((e) => e.show_id === show)
    .map((e) => e.ep_id);
}

describe('POST /shows/{show}/seasons/{season}/episodes', () => {
  it('registers server paths by the numbers in their names and skips a file that is not a video', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/shows/paths/seasons/1/episodes',
      payload: {
        video_paths: [file('Second.S01E02.mp4'), file('notes.txt'), file('Pilot.S01E01.mp4')],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      items: [
        { ep_id: 'paths-s01e01', episode: 1, file: 'Pilot.S01E01.mp4' },
        { ep_id: 'paths-s01e02', episode: 2, file: 'Second.S01E02.mp4' },
      ],
      skipped: [{ file: 'notes.txt', reason: REFUSED_VIDEO_PATH }],
    });
    expect(await episodesOf('paths')).toEqual(['paths-s01e01', 'paths-s01e02']);
  });

  it('refuses a path outside the media roots with the same message as a missing one, registering nothing', async () => {
    const answers = [];
    for (const path of ['/etc/passwd', file('missing S01E01.mp4')]) {
      const res = await app.inject({
        method: 'POST',
        url: '/shows/outside/seasons/1/episodes',
        payload: { video_paths: [path] },
      });
      answers.push([res.statusCode, res.json<{ error: { message: string } }>().error.message]);
    }
    expect(answers).toEqual([
      [400, REFUSED_VIDEO_PATH],
      [400, REFUSED_VIDEO_PATH],
    ]);
    expect(await episodesOf('outside')).toEqual([]);
  });

  it('refuses two files with one episode number, naming both, and registers nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/shows/dups/seasons/1/episodes',
      payload: {
        video_paths: [file('Pilot.S01E01.mp4'), file('Second.S01E02.mp4'), file('again 1x02.mp4')],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(
      /Two files map to episode 2: .*(again 1x02\.mp4.*Second\.S01E02\.mp4|Second\.S01E02\.mp4.*again 1x02\.mp4)/,
    );
    expect(await episodesOf('dups')).toEqual([]);
  });

  it('stores a multi-file upload as the episodes of the season', async () => {
    const body = await multipart(['Pilot.S01E01.mp4', 'notes.txt', 'Second.S01E02.mp4']);
    const res = await app.inject({
      method: 'POST',
      url: '/shows/upload/seasons/2/episodes',
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      items: [
        { ep_id: 'upload-s02e01', episode: 1, file: 'Pilot.S01E01.mp4' },
        { ep_id: 'upload-s02e02', episode: 2, file: 'Second.S01E02.mp4' },
      ],
      skipped: [
        { file: 'notes.txt', reason: expect.stringMatching(/^[^/]*notes\.txt[^/]*$/) as string },
      ],
    });
    const meta = await app.inject({ method: 'GET', url: '/episodes/upload-s02e02/video_meta' });
    expect(meta.json<{ video_path: string }>().video_path).toMatch(
      /episodes\/upload-s02e02\/video\/source\.mp4$/,
    );
  });
});

describe('season run in local mode', () => {
  it('runs every stage of both episodes inside the request, then reports them done', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/shows/paths/seasons/1/run',
      payload: { execution_mode: 'local' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      execution_mode: string;
      episodes: { ep_id: string; status: string; stages: { stage: string; status: string }[] }[];
    }>();
    expect(body.execution_mode).toBe('local');
    expect(body.episodes.map((e) => [e.ep_id, e.status])).toEqual([
      ['paths-s01e01', 'completed'],
      ['paths-s01e02', 'completed'],
    ]);
    for (const e of body.episodes) {
      expect(e.stages.map((s) => s.stage)).toEqual([
        'detect_track',
        'faces_embed',
        'cluster',
        'screentime',
      ]);
    }
    const status = await app.inject({ method: 'GET', url: '/shows/paths/seasons/1/run' });
    expect(status.json()).toMatchObject({
      active: false,
      execution_mode: 'local',
      episodes: [
        { ep_id: 'paths-s01e01', stage: 'screentime', state: 'success', pct: 100, error: null },
        { ep_id: 'paths-s01e02', stage: 'screentime', state: 'success', pct: 100, error: null },
      ],
    });
  });

  it('answers 404 for a season with no episode', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/shows/nobody/seasons/3/run',
      payload: { execution_mode: 'local' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(
      /no episode with a video in season 3/,
    );
  });
});
