/**
 * @module The runner contract, run for both execution modes through real HTTP, real `serve` and `worker`
 * processes and real stage children on the committed clips: one job per (episode, stage), heartbeat and progress,
 * cancel mid-run (local: the client disconnects; redis: POST cancel) with no process left, SIGKILL of the
 * supervising process (local: the API; redis: the worker) then `stalled: true`, resume to the same counts as an
 * uninterrupted run, and logs that survive the crash. Prints the measured timings (never asserted).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePidsInGroup } from '../../src/jobs/index.ts';
import { lockFile, readRuntime, runtimeJson, type ExecutionMode } from '../../src/store/index.ts';
import {
  CLIPS,
  http,
  JobsWorld,
  postHeld,
  registerEpisode,
  runningJobs,
  waitFor,
  waitProgress,
  type HttpAnswer,
  type Proc,
} from './harness.ts';

type Body = Record<string, unknown>;
type StageCounts = Record<string, number>;

async function detectCounts(url: string, epId: string): Promise<StageCounts> {
  const res = await http<{ stages: { detect_track: { status: string; counts: StageCounts } } }>(
    'GET',
    `${url}/episodes/${epId}/status`,
  );
  expect(res.body.stages.detect_track.status).toBe('success');
  return res.body.stages.detect_track.counts;
}

async function stageLogs(
  url: string,
  epId: string,
): Promise<{ state: string; error: string | null; lines: { msg: string }[] }[]> {
  return (
    await http<{ jobs: { state: string; error: string | null; lines: { msg: string }[] }[] }>(
      'GET',
      `${url}/episodes/${epId}/logs/detect_track`,
    )
  ).body.jobs;
}

function expectReleased(world: JobsWorld, epId: string): void {
  expect(existsSync(lockFile(world.dataDir, epId, 'detect_track'))).toBe(false);
  expect(
    readRuntime(runtimeJson(world.dataDir, epId))?.active_jobs.detect_track ?? null,
  ).toBeNull();
}

/**
 * Runs the contract against one execution mode.
 * @param mode - `local` or `redis`
 */
export function runnerContract(mode: ExecutionMode): void {
  describe(`${mode} runner contract`, () => {
    let world: JobsWorld;
    let api: { proc: Proc; url: string };
    let worker: Proc | null = null;
    const timings: Record<string, string> = {};

    beforeAll(async () => {
      world = await JobsWorld.create();
      api = await world.startApi();
      if (mode === 'redis') {
        worker = await world.startWorker();
      }
    });

    afterAll(async () => {
      console.log(`[${mode} mode timings] ${JSON.stringify(timings, null, 1)}`);
      await world?.close();
    });

    const start = (
      epId: string,
    ): Promise<HttpAnswer> | { answer: Promise<HttpAnswer>; disconnect: () => void } =>
      mode === 'local'
        ? postHeld(`${api.url}/jobs/detect_track`, { ep_id: epId, execution_mode: 'local' })
        : http('POST', `${api.url}/jobs/detect_track`, { ep_id: epId, execution_mode: 'redis' });

    it('creates exactly one job when 20 requests for one stage arrive at once', async () => {
      const epId = await registerEpisode(api.url, 'one-job', CLIPS.cap13);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          http<Body>('POST', `${api.url}/jobs/detect_track`, { ep_id: epId, execution_mode: mode }),
        ),
      );
      const accepted = answers.filter((a) => a.status < 300);
      const refused = answers.filter((a) => a.status === 409);
      expect(accepted).toHaveLength(1);
      expect(refused).toHaveLength(19);
      for (const r of refused) {
        expect(r.body).toMatchObject({
          error: { code: 'CONFLICT' },
          job: { stage: 'detect_track', ep_id: epId, execution_mode: mode },
        });
      }
      const winner = accepted[0]!.body;
      if (mode === 'local') {
        expect(winner).toMatchObject({
          status: 'completed',
          execution_mode: 'local',
          operation: 'detect_track',
          ep_id: epId,
        });
        expect(winner).not.toHaveProperty('job_id');
        const logs = winner.logs as string[];
        expect(logs).toEqual(
          expect.arrayContaining([
            expect.stringMatching(
              /^\[LOCAL MODE\] Starting detect_track with device auto .*profile balanced, stride \d+, cpu_threads \d+/,
            ),
            expect.stringMatching(
              /^\[LOCAL MODE\] cpu_threads capped at \d+ \(SCREENALYTICS_LOCAL_MAX_THREADS\)/,
            ),
            expect.stringMatching(/^\[LOCAL MODE\] detect_track completed in \d+\.\d s$/),
          ]),
        );
        expect(logs.filter((l) => /Job submitted|Polling/i.test(l))).toEqual([]);
        expect(winner.elapsed_seconds).toBeGreaterThan(0);
      } else {
        expect(winner).toMatchObject({
          status: 'queued',
          execution_mode: 'redis',
          workers: 1,
          warning: null,
        });
        for (const r of refused) {
          expect((r.body.job as Body).job_id).toBe(winner.job_id);
        }
        await waitFor('the job to succeed', async () =>
          (await http('GET', `${api.url}/jobs/${winner.job_id as string}`)).body.state === 'success'
            ? true
            : undefined,
        );
      }
      const logs = await stageLogs(api.url, epId);
      expect(logs.map((j) => j.state)).toEqual(['success']);
      expectReleased(world, epId);
    });

    it('heartbeats while running and kills the whole process group when cancelled mid-run', async () => {
      const epId = await registerEpisode(api.url, 'cancel', CLIPS.franck);
      const t0 = Date.now();
      const started = start(epId);
      const child = await waitFor('the child process', async () =>
        (await runningJobs(api.url, epId)).find((j) => j.pid !== null),
      );
      timings.request_to_child_spawned_ms = String(Date.now() - t0);
      const running = await waitProgress(api.url, epId, 'detect_track');
      timings.request_to_first_progress_ms = String(Date.now() - t0);
      expect(running).toMatchObject({
        state: 'running',
        stalled: false,
        execution_mode: mode,
        pid: child.pid,
      });
      await waitFor('a newer heartbeat', async () => {
        const job = (await runningJobs(api.url, epId))[0];
        return job && job.heartbeat_at !== running.heartbeat_at ? true : undefined;
      });
      expect(livePidsInGroup(running.pid!).length).toBeGreaterThan(0);

      const tCancel = Date.now();
      if ('disconnect' in started) {
        started.disconnect();
        await expect(started.answer).rejects.toThrow();
      } else {
        const queued = await started;
        const cancel = await http('POST', `${api.url}/jobs/${queued.body.job_id as string}/cancel`);
        expect(cancel.status).toBe(200);
      }
      await waitFor(
        'no process left in the group',
        () => (livePidsInGroup(running.pid!).length === 0 ? true : undefined),
        10_000,
        20,
      );
      timings.cancel_to_group_gone_ms = String(Date.now() - tCancel);
      await waitFor('the job to end', async () =>
        (await runningJobs(api.url, epId)).length === 0 ? true : undefined,
      );
      const status = await http<{ stages: { detect_track: { status: string } } }>(
        'GET',
        `${api.url}/episodes/${epId}/status`,
      );
      expect(status.body.stages.detect_track.status).toBe('cancelled');
      const [job] = await stageLogs(api.url, epId);
      expect(job!.state).toBe('cancelled');
      expect(job!.lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['job.started', 'stage.started', 'job.cancelled']),
      );
      expectReleased(world, epId);
    });

    it('reports stalled when the supervising process is SIGKILLed and resumes to the counts of an uninterrupted run', async () => {
      const baseId = await registerEpisode(api.url, 'crash-base', CLIPS.cap12);
      const base = await http('POST', `${api.url}/jobs/detect_track`, {
        ep_id: baseId,
        execution_mode: 'local',
      });
      expect(base.body.status).toBe('completed');
      const baseline = await detectCounts(api.url, baseId);

      const epId = await registerEpisode(api.url, 'crash', CLIPS.cap12);
      const started = start(epId);
      const running = await waitProgress(api.url, epId, 'detect_track', 40);
      const supervisor = mode === 'local' ? api.proc : worker!;
      const tKill = Date.now();
      supervisor.child.kill('SIGKILL');
      if ('answer' in started) {
        await expect(started.answer).rejects.toThrow();
        api = await world.startApi();
      } else {
        await started;
      }
      const stalled = await waitFor('stalled: true', async () =>
        (await runningJobs(api.url, epId)).find((j) => j.stalled),
      );
      timings.sigkill_to_stalled_ms = String(Date.now() - tKill);
      expect(stalled).toMatchObject({ state: 'running', stage: 'detect_track' });
      await waitFor(
        'the orphaned stage to die',
        () => (livePidsInGroup(running.pid!).length === 0 ? true : undefined),
        10_000,
        20,
      );
      timings.sigkill_to_orphan_gone_ms = String(Date.now() - tKill);

      if (mode === 'redis') {
        worker = await world.startWorker();
      }
      const resumed = await http('POST', `${api.url}/episodes/${epId}/stages/detect_track/resume`, {
        execution_mode: mode,
      });
      if (mode === 'local') {
        expect(resumed.body).toMatchObject({ status: 'completed', execution_mode: 'local' });
      } else {
        expect(resumed.status).toBe(202);
        await waitFor('the resumed job to succeed', async () =>
          (await http('GET', `${api.url}/jobs/${resumed.body.job_id as string}`)).body.state ===
          'success'
            ? true
            : undefined,
        );
      }
      expect(await detectCounts(api.url, epId)).toEqual(baseline);

      const [latest, crashed] = await stageLogs(api.url, epId);
      expect(latest!.state).toBe('success');
      expect(crashed!.state).toBe('error');
      expect(crashed!.error).toMatch(/^lost: /);
      expect(crashed!.lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining([
          'job.started',
          'stage.started',
          'job.stalled',
          'job.lock_taken_over',
        ]),
      );
      expectReleased(world, epId);
    });
  });
}
