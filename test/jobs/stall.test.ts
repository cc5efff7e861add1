/**
 * @module A stage child that is alive but makes no progress is stalled: in both execution modes, a real
 * detect_track job on franck.mp4 has its stage child SIGSTOPped (its pid from the job row); the runner (API or
 * worker) stays alive and keeps polling, yet the job is seen `stalled` with a "no heartbeat" reason within
 * `jobs.stall_after_s` plus the heartbeat period and slack, because the heartbeat comes from the stage's own
 * progress. After SIGCONT it beats again, and a cancel ends it with no process left. Prints the measured times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePidsInGroup } from '../../src/jobs/index.ts';
import type { ExecutionMode } from '../../src/store/index.ts';
import {
  CLIPS,
  http,
  JobsWorld,
  postHeld,
  registerEpisode,
  runningJobs,
  TEST_HEARTBEAT_S,
  TEST_STALL_S,
  waitFor,
  waitProgress,
  type Proc,
} from './harness.ts';

/** Bound on seeing the stall: the threshold, one heartbeat period, the stage's 1 s write throttle and slack. */
const STALL_SEEN_WITHIN_MS = (TEST_STALL_S + TEST_HEARTBEAT_S + 1 + 4) * 1000;

for (const mode of ['redis', 'local'] as ExecutionMode[]) {
  describe(`${mode} mode: a stopped stage child`, () => {
    let world: JobsWorld;
    let api: { proc: Proc; url: string };
    let worker: Proc | null = null;

    beforeAll(async () => {
      world = await JobsWorld.create();
      api = await world.startApi();
      if (mode === 'redis') {
        worker = await world.startWorker();
      }
    });

    afterAll(async () => {
      await world?.close();
    });

    it('is stalled within jobs.stall_after_s while its runner lives, and beats again after SIGCONT', async () => {
      const epId = await registerEpisode(api.url, `stall-${mode}`, CLIPS.franck);
      const started =
        mode === 'local'
          ? postHeld(`${api.url}/jobs/detect_track`, { ep_id: epId, execution_mode: 'local' })
          : await http('POST', `${api.url}/jobs/detect_track`, {
              ep_id: epId,
              execution_mode: 'redis',
            });
      const running = await waitProgress(api.url, epId, 'detect_track');
      expect(running.stalled).toBe(false);
      const childPid = running.pid!;
      // Redis jobs have an id to read and cancel; a local job is read through the episode and ends with its request.
      const jobId = 'disconnect' in started ? null : (started.body.job_id as string);

      process.kill(childPid, 'SIGSTOP');
      const tStop = Date.now();
      try {
        const stalled = await waitFor(
          'stalled: true',
          async () => (await runningJobs(api.url, epId)).find((j) => j.stalled),
          STALL_SEEN_WITHIN_MS,
          100,
        );
        const stopToStalledMs = Date.now() - tStop;
        console.log(
          `[${mode} mode] SIGSTOP to stalled: ${stopToStalledMs} ms (stall_after_s ${TEST_STALL_S})`,
        );
        expect(stalled).toMatchObject({ state: 'running', pid: childPid });
        // Not sooner than the threshold allows: the last progress write was at most ~1 s before the stop.
        expect(stopToStalledMs).toBeGreaterThan((TEST_STALL_S - 1.5) * 1000);
        if (jobId) {
          const job = await http<{ stalled: boolean }>('GET', `${api.url}/jobs/${jobId}`);
          expect(job.body.stalled).toBe(true);
        }
        const supervisor = mode === 'local' ? api.proc : worker!;
        expect(supervisor.child.exitCode).toBeNull();
        const logs = await http<{ jobs: { lines: { msg: string; text?: unknown }[] }[] }>(
          'GET',
          `${api.url}/episodes/${epId}/logs/detect_track`,
        );
        const line = logs.body.jobs[0]!.lines.find((l) => l.msg === 'job.stalled');
        expect(line?.text).toMatch(
          new RegExp(
            `^Job stalled: no heartbeat for \\d+ s \\(stall threshold ${TEST_STALL_S} s\\); resume or cancel it$`,
          ),
        );
      } finally {
        process.kill(childPid, 'SIGCONT');
      }
      await waitFor('a heartbeat after SIGCONT', async () =>
        (await runningJobs(api.url, epId)).find((j) => j.pid === childPid && !j.stalled),
      );

      if ('disconnect' in started) {
        started.disconnect();
        await expect(started.answer).rejects.toThrow();
      } else {
        expect((await http('POST', `${api.url}/jobs/${jobId}/cancel`)).status).toBe(200);
      }
      await waitFor(
        'no process left in the group',
        () => (livePidsInGroup(childPid).length === 0 ? true : undefined),
        10_000,
        20,
      );
      await waitFor('the job to end', async () =>
        (await runningJobs(api.url, epId)).length === 0 ? true : undefined,
      );
    });
  });
}
