/**
 * @module Bad requests through `inject()` on a real server (the real database of a temp dir, real Redis under a test
 * prefix): each gets a 4xx (or the 503 of a missing Redis) whose message names the field or what to run first,
 * and leaves no job behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/index.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';

type App = Awaited<ReturnType<typeof buildServer>>;

let world: JobsWorld;
let app: App;
let epId: string;

beforeAll(async () => {
  world = await JobsWorld.create();
  app = await buildServer({ config: loadConfig(world.configInput()) });
  const res = await app.inject({
    method: 'POST',
    url: '/episodes',
    payload: { show: 'Bad Input', season: 1, episode: 2, video_path: CLIPS.cap13 },
  });
  expect(res.statusCode).toBe(201);
  epId = res.json<{ ep_id: string }>().ep_id;
});

afterAll(async () => {
  await app?.close();
  await world?.close();
});

async function post(
  url: string,
  payload: unknown,
): Promise<{
  status: number;
  body: { error: { code: string; message: string } } & Record<string, unknown>;
}> {
  const res = await app.inject({
    method: 'POST',
    url,
    payload: payload as Record<string, unknown>,
  });
  return { status: res.statusCode, body: res.json() };
}

describe('POST /jobs/{stage}', () => {
  it('answers 404 naming the episode when ep_id is unknown', async () => {
    const { status, body } = await post('/jobs/detect_track', {
      ep_id: 'nobody-s01e01',
      execution_mode: 'local',
    });
    expect(status).toBe(404);
    expect(body.error.message).toMatch(/nobody-s01e01 is not registered/);
  });

  it('answers 400 naming params.stage when the stage is unknown', async () => {
    const { status, body } = await post('/jobs/detect_faces', { ep_id: epId });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/params\.stage/);
  });

  it('answers 400 naming body.device when the device is invalid', async () => {
    const { status, body } = await post('/jobs/detect_track', { ep_id: epId, device: 'tpu' });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/body\.device/);
  });

  it('answers 400 naming body.profile when the profile is invalid', async () => {
    const { status, body } = await post('/jobs/detect_track', { ep_id: epId, profile: 'turbo' });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/body\.profile/);
  });

  it('answers 400 naming body.ep_id when ep_id has path characters', async () => {
    const { status, body } = await post('/jobs/detect_track', { ep_id: '../../etc-s01e01' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'INPUT_INVALID' });
    expect(body.error.message).toMatch(/body\.ep_id/);
  });

  it('answers 400 naming the field when the body has an unknown field', async () => {
    const { status, body } = await post('/jobs/detect_track', { ep_id: epId, strid: 2 });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/strid/);
  });

  it('answers 409 naming detect_track when faces_embed is asked for before detect_track ran', async () => {
    const { status, body } = await post('/jobs/faces_embed', {
      ep_id: epId,
      execution_mode: 'local',
    });
    expect(status).toBe(409);
    expect(body.error.message).toMatch(/detect_track first/);
  });

  it('answers 400 DEVICE_UNAVAILABLE in local mode when an absent accelerator is asked for without fallback', async () => {
    const { status, body } = await post('/jobs/detect_track', {
      ep_id: epId,
      device: 'coreml',
      execution_mode: 'local',
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('DEVICE_UNAVAILABLE');
  });

  it('answers 503 with the documented message when redis is asked for and Redis does not answer', async () => {
    const down = await buildServer({
      config: loadConfig({
        ...world.configInput(),
        jobs: { ...(world.configInput().jobs as object), redis_url: 'redis://127.0.0.1:1' },
      }),
    });
    try {
      const res = await down.inject({
        method: 'POST',
        url: '/jobs/detect_track',
        payload: { ep_id: epId, execution_mode: 'redis' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error: {
          code: 'UNAVAILABLE',
          message:
            'Background jobs unavailable: start Redis and `screenalytics worker`, or use execution_mode local',
        },
      });
    } finally {
      await down.close();
    }
  });

  it('queues the job and says no worker is running when Redis answers but no worker listens', async () => {
    const { status, body } = await post('/jobs/detect_track', {
      ep_id: epId,
      execution_mode: 'redis',
    });
    expect(status).toBe(202);
    expect(body).toMatchObject({ status: 'queued', workers: 0 });
    expect(body.warning).toMatch(/No worker is running/);
    const jobUrl = `/jobs/${body.job_id as string}`;
    const job = (await app.inject({ method: 'GET', url: jobUrl })).json<Record<string, unknown>>();
    expect(job).toMatchObject({ state: 'queued', workers: 0 });
    expect(job.warning).toMatch(/No worker is running/);
    const cancelled = (await app.inject({ method: 'POST', url: `${jobUrl}/cancel` })).json<
      Record<string, unknown>
    >();
    expect(cancelled).toMatchObject({ state: 'cancelled' });
    const running = (
      await app.inject({ method: 'GET', url: `/episodes/${epId}/jobs/running` })
    ).json<{ jobs: unknown[] }>();
    expect(running.jobs).toEqual([]);
  });
});

describe('other routes', () => {
  it('answers 400 naming params.ep_id when a path carries an encoded traversal', async () => {
    const res = await app.inject({ method: 'GET', url: '/episodes/..%2F..%2Fetc/status' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/params\.ep_id/);
  });

  it('answers 404 when the job id is unknown and 400 when it is malformed', async () => {
    const unknown = await app.inject({
      method: 'GET',
      url: '/jobs/job-00000000-0000-0000-0000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
    const malformed = await app.inject({ method: 'GET', url: '/jobs/42' });
    expect(malformed.statusCode).toBe(400);
  });

  it('answers 404 naming the stage to start when resuming a stage that never ran', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/episodes/${epId}/stages/cluster/resume`,
      payload: {},
    });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(
      /POST \/jobs\/cluster/,
    );
  });

  it('answers 400 VIDEO_UNREADABLE when an episode is created with a file that is not a video', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: {
        show: 'Bad Input',
        season: 1,
        episode: 3,
        video_path: CLIPS.cap13.replace('.mp4', '.txt'),
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('VIDEO_UNREADABLE');
  });

  it('serves an OpenAPI document listing the job routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/jobs/{stage}', '/jobs/{job_id}', '/episodes/{ep_id}/jobs/running']),
    );
  });
});
