/**
 * @module Local jobs that end badly, through `inject()` on an in-process server: a stage error and the local
 * timeout both answer `status: "error"`, release the stage, and leave their log readable afterwards.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/index.ts';
import { lockFile } from '../../src/store/index.ts';
import { ffmpeg } from '../helpers/media.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';

type App = Awaited<ReturnType<typeof buildServer>>;
type JobLogs = { jobs: { state: string; error: string | null; lines: { msg: string }[] }[] };

/**
 * Seconds after which the local jobs of this file time out: past the child's start (which opens the database, on
 * PostgreSQL a new connection, and takes several seconds on a loaded machine), well before the end of the
 * timeout test's video (franck played 6 times, 20 minutes: about a minute of work on 2 cores).
 */
const TIMEOUT_S = 10;

let world: JobsWorld;
let app: App;

beforeAll(async () => {
  world = await JobsWorld.create();
  const input = world.configInput();
  app = await buildServer({
    config: loadConfig({
      ...input,
      jobs: { ...(input.jobs as object), local_timeout_s: TIMEOUT_S },
    }),
  });
});

afterAll(async () => {
  await app?.close();
  await world?.close();
});

async function createEpisode(show: string, video: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/episodes',
    payload: { show, season: 1, episode: 1, video_path: video },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ ep_id: string }>().ep_id;
}

async function detect(
  epId: string,
): Promise<{ status: string; error: string | null; logs: string[] }> {
  const res = await app.inject({
    method: 'POST',
    url: '/jobs/detect_track',
    payload: { ep_id: epId, execution_mode: 'local' },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function logs(epId: string): Promise<JobLogs['jobs']> {
  return (
    await app.inject({ method: 'GET', url: `/episodes/${epId}/logs/detect_track` })
  ).json<JobLogs>().jobs;
}

describe('local job failures', () => {
  it('answers status error with the stage error and keeps the log when the video has vanished', async () => {
    const copy = join(world.dataDir, 'vanishing.mp4');
    copyFileSync(CLIPS.cap13, copy);
    const epId = await createEpisode('vanishing', copy);
    rmSync(copy);
    const answer = await detect(epId);
    expect(answer.status).toBe('error');
    expect(answer.error).toMatch(/vanishing\.mp4/);
    expect(answer.logs).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[LOCAL MODE\] detect_track failed after/)]),
    );
    const [job] = await logs(epId);
    expect(job).toMatchObject({ state: 'error', error: answer.error });
    expect(job!.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['job.started', 'job.failed']),
    );
    expect(existsSync(lockFile(world.dataDir, epId, 'detect_track'))).toBe(false);
  });

  it('kills the stage and answers error timeout when the local timeout passes', async () => {
    const long = join(world.dataDir, 'franck-x6.mp4');
    await ffmpeg(['-stream_loop', '5', '-i', CLIPS.franck, '-c', 'copy', long]);
    const epId = await createEpisode('slow', long);
    const answer = await detect(epId);
    expect(answer).toMatchObject({ status: 'error', error: 'timeout' });
    const [job] = await logs(epId);
    expect(job).toMatchObject({ state: 'error', error: 'timeout' });
    expect(job!.lines.map((l) => l.msg)).toContain('job.timeout');
    expect(existsSync(lockFile(world.dataDir, epId, 'detect_track'))).toBe(false);
  });
});
