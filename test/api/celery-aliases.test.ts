/**
 * @module The specification's route names, kept as compatibility aliases, through `inject()` on an in-process
 * server: `POST /celery_jobs/{stage}` runs a stage (local mode, a real clip) and queues one (redis mode, no worker),
 * `GET /celery_jobs/{job_id}` and `GET /celery_jobs` read the queued job as `/jobs` does, bad requests get the same
 * answers as on `/jobs`, and the aliases need the same roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/index.ts';
import { signedIn, type Injector } from '../helpers/accounts.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';

type App = Awaited<ReturnType<typeof buildServer>>;
type JobRow = {
  job_id: string | null;
  ep_id: string;
  stage: string;
  state: string;
  run_id: string;
};

/** Starts an in-process API on a fresh data directory. */
async function startApp(): Promise<{ world: JobsWorld; app: App }> {
  const world = await JobsWorld.create();
  const app = await buildServer({ config: loadConfig(world.configInput()) });
  return { world, app };
}

async function createEpisode(app: Injector, show: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/episodes',
    payload: { show, season: 1, episode: 1, video_path: CLIPS.cap13 },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ ep_id: string }>().ep_id;
}

async function getJson<T>(app: Injector, url: string): Promise<{ status: number; body: T }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<T>() };
}

describe('/celery_jobs aliases without accounts', () => {
  let world: JobsWorld;
  let app: App;

  beforeAll(async () => {
    ({ world, app } = await startApp());
  });

  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  it('runs detect_track in local mode through POST /celery_jobs/detect_track', async () => {
    const epId = await createEpisode(app, 'celery-local');
    const res = await app.inject({
      method: 'POST',
      url: '/celery_jobs/detect_track',
      payload: { ep_id: epId, execution_mode: 'local' },
    });
    expect(res.statusCode).toBe(200);
    const answer = res.json<{ run_id: string; logs: string[] }>();
    expect(answer).toMatchObject({
      status: 'completed',
      ep_id: epId,
      operation: 'detect_track',
      execution_mode: 'local',
      error: null,
    });
    expect(answer.logs.length).toBeGreaterThan(0);
    const { body } = await getJson<{ stages: Record<string, { status: string }> }>(
      app,
      `/episodes/${epId}/status?run_id=${answer.run_id}`,
    );
    expect(body.stages.detect_track?.status).toBe('success');
  });

  it('queues a redis job through POST /celery_jobs/{stage}, reads and lists it as /jobs does', async () => {
    const epId = await createEpisode(app, 'celery-redis');
    const res = await app.inject({
      method: 'POST',
      url: '/celery_jobs/detect_track',
      payload: { ep_id: epId, execution_mode: 'redis' },
    });
    expect(res.statusCode).toBe(202);
    const queued = res.json<{ job_id: string; status: string; run_id: string }>();
    expect(queued).toMatchObject({ status: 'queued', ep_id: epId, execution_mode: 'redis' });

    const alias = await getJson<JobRow>(app, `/celery_jobs/${queued.job_id}`);
    const original = await getJson<JobRow>(app, `/jobs/${queued.job_id}`);
    expect(alias.status).toBe(200);
    expect(alias.body).toMatchObject({
      job_id: queued.job_id,
      ep_id: epId,
      stage: 'detect_track',
      state: 'queued',
      run_id: queued.run_id,
    });
    expect(alias.body).toEqual(original.body);

    const listed = await getJson<{ jobs: JobRow[] }>(app, '/celery_jobs');
    expect(listed.status).toBe(200);
    expect(listed.body.jobs.map((j) => j.job_id)).toContain(queued.job_id);
    expect(listed.body).toEqual((await getJson(app, '/jobs')).body);

    const cancel = await app.inject({ method: 'POST', url: `/jobs/${queued.job_id}/cancel` });
    expect(cancel.json<JobRow>().state).toBe('cancelled');
    const after = await getJson<{ jobs: JobRow[] }>(app, '/celery_jobs');
    expect(after.body.jobs.map((j) => j.job_id)).not.toContain(queued.job_id);
  });

  it('answers an unknown stage, a bad job id and an unknown job as /jobs does', async () => {
    const epId = await createEpisode(app, 'celery-bad');
    const unknownJob = 'job-00000000-0000-4000-8000-000000000000';
    for (const [method, path, payload] of [
      ['POST', '/transcode', { ep_id: epId }],
      ['GET', '/not-a-job', undefined],
      ['GET', `/${unknownJob}`, undefined],
    ] as const) {
      const alias = await app.inject({ method, url: `/celery_jobs${path}`, payload });
      const original = await app.inject({ method, url: `/jobs${path}`, payload });
      expect(alias.statusCode).toBeGreaterThanOrEqual(400);
      expect(alias.statusCode).toBe(original.statusCode);
      expect(alias.json()).toEqual(original.json());
    }
    const unknown = await app.inject({ method: 'POST', url: '/celery_jobs/transcode' });
    expect(unknown.statusCode).toBe(400);
  });

  it('marks the aliases deprecated in the OpenAPI document, and the /jobs routes not', async () => {
    type Op = { summary: string; deprecated?: boolean };
    const { body } = await getJson<{ paths: Record<string, Record<string, Op>> }>(
      app,
      '/docs/json',
    );
    const ops = [
      ['/celery_jobs/{stage}', 'post'],
      ['/celery_jobs/{job_id}', 'get'],
      ['/celery_jobs', 'get'],
    ] as const;
    for (const [path, method] of ops) {
      expect(body.paths[path]?.[method]).toMatchObject({
        deprecated: true,
        summary: expect.stringMatching(/^Compatibility alias of /) as unknown,
      });
      const original = body.paths[path.replace('/celery_jobs', '/jobs')]?.[method];
      expect(original?.summary).toBeTruthy();
      expect(original?.deprecated).toBeUndefined();
    }
  });
});

describe('/celery_jobs aliases with accounts', () => {
  let world: JobsWorld;
  let app: App;
  let users: Record<'vera' | 'rita', Injector>;

  beforeAll(async () => {
    ({ world, app } = await startApp());
    users = await signedIn(app, world.dataDir, { vera: 'viewer', rita: 'reviewer' });
  });

  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  it('refuses anonymous requests and needs the roles of /jobs', async () => {
    const epId = await createEpisode(users.rita, 'celery-auth');
    const unknownJob = 'job-00000000-0000-4000-8000-000000000000';
    expect((await app.inject({ method: 'GET', url: '/celery_jobs' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: `/celery_jobs/${unknownJob}` })).statusCode,
    ).toBe(401);
    const start = { method: 'POST', payload: { ep_id: epId, execution_mode: 'redis' } } as const;
    expect((await app.inject({ ...start, url: '/celery_jobs/detect_track' })).statusCode).toBe(401);

    expect((await getJson(users.vera, '/celery_jobs')).status).toBe(200);
    const byViewer = await users.vera.inject({ ...start, url: '/celery_jobs/detect_track' });
    const byViewerOriginal = await users.vera.inject({ ...start, url: '/jobs/detect_track' });
    expect(byViewer.statusCode).toBe(403);
    expect(byViewer.json()).toEqual(byViewerOriginal.json());

    const byReviewer = await users.rita.inject({ ...start, url: '/celery_jobs/detect_track' });
    expect(byReviewer.statusCode).toBe(202);
    const jobId = byReviewer.json<{ job_id: string }>().job_id;
    expect((await getJson<JobRow>(users.vera, `/celery_jobs/${jobId}`)).body).toMatchObject({
      state: 'queued',
      requested_by: 'rita',
    });
    await users.rita.inject({ method: 'POST', url: `/jobs/${jobId}/cancel` });
  });
});
