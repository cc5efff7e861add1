/**
 * @module Both modes together, through real `serve` and `worker` processes: 20 concurrent requests mixing modes
 * and API processes create one job; a redis job survives an API restart (jobs/running still reports it), streams
 * its events, and is cancelled from the new API process; a frozen worker (SIGSTOP) is detected from its heartbeat
 * alone, and the stalled job is cancelled by the API.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePidsInGroup } from '../../src/jobs/index.ts';
import { listStageJobs } from '../../src/store/index.ts';
import { openTestDatabase } from '../helpers/database.ts';
import {
  CLIPS,
  http,
  JobsWorld,
  registerEpisode,
  runningJobs,
  TEST_STALL_S,
  waitFor,
  waitProgress,
  type Proc,
} from '../jobs/harness.ts';

let world: JobsWorld;
let apiA: { proc: Proc; url: string };
let apiB: { proc: Proc; url: string };
let worker: Proc;

beforeAll(async () => {
  world = await JobsWorld.create();
  [apiA, apiB, worker] = await Promise.all([
    world.startApi(),
    world.startApi(),
    world.startWorker(),
  ]);
});

afterAll(async () => {
  await world?.close();
});

/** Reads the server-sent events of a job until `end`. */
async function readEvents(
  url: string,
): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const res = await fetch(url);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [event, data] = block.split('\n');
      return {
        event: event!.slice('event: '.length),
        data: JSON.parse(data!.slice('data: '.length)) as Record<string, unknown>,
      };
    });
}

describe('one job per (episode, stage)', () => {
  it('admits exactly one job when 20 requests of both modes reach two API processes at once', async () => {
    const epId = await registerEpisode(apiA.url, 'mixed', CLIPS.cap13);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http('POST', `${i % 2 === 0 ? apiA.url : apiB.url}/jobs/detect_track`, {
          ep_id: epId,
          execution_mode: i % 4 < 2 ? 'local' : 'redis',
        }),
      ),
    );
    expect(answers.filter((a) => a.status < 300)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    await waitFor('the job to end', async () =>
      (await runningJobs(apiB.url, epId)).length === 0 ? true : undefined,
    );
    const db = await openTestDatabase(world.dataDir);
    try {
      const rows = await listStageJobs(db, epId, 'detect_track', 100);
      expect(rows.map((j) => j.state)).toEqual(['success']);
    } finally {
      await db.close();
    }
  });
});

describe('redis jobs across API processes', () => {
  it('still reports a running job after the API restarts, streams its events and cancels it from the new API', async () => {
    const epId = await registerEpisode(apiA.url, 'restart', CLIPS.franck);
    const queued = await http('POST', `${apiA.url}/jobs/detect_track`, {
      ep_id: epId,
      execution_mode: 'redis',
    });
    expect(queued.status).toBe(202);
    const jobId = queued.body.job_id as string;
    await waitProgress(apiA.url, epId, 'detect_track');
    apiA.proc.child.kill('SIGKILL');
    apiA = await world.startApi();

    const [running] = await runningJobs(apiA.url, epId);
    expect(running).toMatchObject({
      job_id: jobId,
      state: 'running',
      stalled: false,
      execution_mode: 'redis',
    });
    const events = readEvents(`${apiB.url}/jobs/${jobId}/events`);
    const cancel = await http('POST', `${apiA.url}/jobs/${jobId}/cancel`);
    expect(cancel.body).toMatchObject({ job_id: jobId, cancel_requested: true });
    const seen = await events;
    expect(seen.map((e) => e.event)).toEqual(expect.arrayContaining(['state', 'progress', 'log']));
    expect(seen.at(-1)).toMatchObject({
      event: 'end',
      data: { job_id: jobId, state: 'cancelled' },
    });
    expect(seen.filter((e) => e.event === 'log').map((e) => e.data.msg)).toEqual(
      expect.arrayContaining([
        'job.queued',
        'job.claimed',
        'job.started',
        'stage.started',
        'job.cancelled',
      ]),
    );
    expect(livePidsInGroup(running!.pid!)).toEqual([]);
  });

  it('re-queues the running job when its worker is told to stop (SIGTERM), and another worker finishes it', async () => {
    worker.child.kill('SIGTERM');
    expect(await once(worker.child, 'exit')).toEqual([0, null]);
    const hasty = await world.startWorker({ SCREENALYTICS_WORKER_GRACE_S: '0' });
    const epId = await registerEpisode(apiB.url, 'sigterm', CLIPS.cap12);
    const queued = await http('POST', `${apiB.url}/jobs/detect_track`, {
      ep_id: epId,
      execution_mode: 'redis',
    });
    const jobUrl = `${apiB.url}/jobs/${queued.body.job_id as string}`;
    await waitProgress(apiB.url, epId, 'detect_track');
    hasty.child.kill('SIGTERM');
    expect(await once(hasty.child, 'exit')).toEqual([0, null]);
    expect((await http('GET', jobUrl)).body).toMatchObject({
      state: 'queued',
      resume: true,
      workers: 0,
    });
    worker = await world.startWorker();
    const done = await waitFor('the re-queued job to succeed', async () => {
      const job = await http('GET', jobUrl);
      return job.body.state === 'success' ? job.body : undefined;
    });
    expect(done.log_tail).toEqual(
      expect.arrayContaining([expect.stringMatching(/put back in the queue/)]),
    );
  });

  it('reports stalled from the heartbeat alone when the worker freezes, and cancels the stalled job', async () => {
    const epId = await registerEpisode(apiA.url, 'frozen', CLIPS.franck);
    const queued = await http('POST', `${apiA.url}/jobs/detect_track`, {
      ep_id: epId,
      execution_mode: 'redis',
    });
    const running = await waitProgress(apiA.url, epId, 'detect_track');
    const tStop = Date.now();
    worker.child.kill('SIGSTOP');
    try {
      const stalled = await waitFor('stalled: true', async () =>
        (await runningJobs(apiB.url, epId)).find((j) => j.stalled),
      );
      const stallMs = Date.now() - tStop;
      console.log(
        `[redis mode] SIGSTOP to stalled (heartbeat path, threshold ${TEST_STALL_S} s): ${stallMs} ms`,
      );
      expect(stalled.job_id).toBe(queued.body.job_id);
      const cancelled = await http('POST', `${apiB.url}/jobs/${stalled.job_id}/cancel`);
      expect(cancelled.body).toMatchObject({
        state: 'cancelled',
        error: 'cancelled while stalled',
      });
      await waitFor(
        'no process left in the group',
        () => (livePidsInGroup(running.pid!).length === 0 ? true : undefined),
        10_000,
        20,
      );
      const status = await http<{ stages: { detect_track: { status: string } } }>(
        'GET',
        `${apiB.url}/episodes/${epId}/status`,
      );
      expect(status.body.stages.detect_track.status).toBe('cancelled');
    } finally {
      worker.child.kill('SIGKILL');
    }
  });
});
