/**
 * @module Episode routes through `inject()`: an episode created without a video refuses jobs until its video is
 * uploaded (multipart), then serves the probe; deleting it removes its rows and its folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/index.ts';
import { episodeDir } from '../../src/store/index.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';

type App = Awaited<ReturnType<typeof buildServer>>;

let world: JobsWorld;
let app: App;

beforeAll(async () => {
  world = await JobsWorld.create();
  app = await buildServer({ config: loadConfig(world.configInput()) });
});

afterAll(async () => {
  await app?.close();
  await world?.close();
});

/** A multipart/form-data body with one file field. */
function multipart(
  filename: string,
  bytes: Buffer,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----screenalytics-test';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: video/mp4\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('episodes', () => {
  it('takes a video upload after creation, then serves its probe, and deletes everything on DELETE', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 'Fresh Off the Boat', season: 1, episode: 11, title: 'Pilot' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      ep_id: 'fresh-off-the-boat-s01e11',
      title: 'Pilot',
      has_video: false,
    });
    const epId = 'fresh-off-the-boat-s01e11';

    const early = await app.inject({
      method: 'POST',
      url: '/jobs/detect_track',
      payload: { ep_id: epId, execution_mode: 'local' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json<{ error: { message: string } }>().error.message).toMatch(
      /no video yet: upload it/,
    );

    const upload = await app.inject({
      method: 'POST',
      url: `/episodes/${epId}/video`,
      ...multipart('pilot.MP4', readFileSync(CLIPS.cap13)),
    });
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toMatchObject({ ep_id: epId, has_video: true });
    const meta = (await app.inject({ method: 'GET', url: `/episodes/${epId}/video_meta` })).json<{
      video_path: string;
      probe: { width_px: number };
    }>();
    expect(meta.video_path).toMatch(/video\/source\.mp4$/);
    expect(meta.probe.width_px).toBe(400);

    const listed = (await app.inject({ method: 'GET', url: '/episodes' })).json<{
      episodes: { ep_id: string }[];
    }>();
    expect(listed.episodes.map((e) => e.ep_id)).toEqual([epId]);

    expect((await app.inject({ method: 'DELETE', url: `/episodes/${epId}` })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/episodes/${epId}` })).statusCode).toBe(404);
    expect(existsSync(episodeDir(world.dataDir, epId))).toBe(false);
  });

  it('refuses an upload that is not a video and keeps nothing of it', async () => {
    await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 'Junk', season: 1, episode: 1 },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/episodes/junk-s01e01/video',
      ...multipart('junk.mp4', Buffer.from('not a video')),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('VIDEO_UNREADABLE');
    expect(existsSync(`${episodeDir(world.dataDir, 'junk-s01e01')}/video/source.mp4`)).toBe(false);
  });
});
