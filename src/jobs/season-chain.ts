/**
 * @module The server-side stage chain of a season run in `redis` mode: the first stage of each episode is queued
 * with the stages that follow it (`QueueJobData.chain`); the worker that finishes a stage successfully queues the
 * next one in the same run, at the head of the queue. The chain lives in Redis and the database only, so it goes on
 * when the API process or the browser tab goes away; a failed or cancelled stage ends it.
 */
import type { Queue } from 'bullmq';
import type { Job } from '../store/index.ts';
import type { Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { logJob } from './job-log.ts';
import type { QueueJobData } from './queue.ts';
import { createRedisRunner, REDIS_LABEL } from './redis-runner.ts';

/**
 * Queues the next stage of a chain after `done` succeeded, in the same run with the same profile and device.
 * Failures are logged on `done`'s job log (event `chain.broken`) and returned as null, never thrown: the stage
 * itself succeeded, and the season run's status shows the episode as stopped.
 * @param ctx - jobs context of the worker
 * @param queue - the stage queue
 * @param done - the job that just succeeded
 * @param chain - the stages still to run, in order; empty: nothing to do
 * @returns the queued job of the next stage, or null when the chain ended or could not go on
 */
export async function continueChain(
  ctx: JobsContext,
  queue: Queue<QueueJobData>,
  done: Job,
  chain: readonly Stage[],
): Promise<Job | null> {
  const [next, ...rest] = chain;
  if (next === undefined) {
    return null;
  }
  const dataDir = ctx.config.data_dir;
  try {
    const job = await createRedisRunner(ctx, queue).start(
      next,
      {
        epId: done.ep_id,
        runId: done.run_id,
        profile: done.profile,
        device: done.device,
        allowCpuFallback: done.allow_cpu_fallback,
      },
      { chain: rest, lifo: true },
    );
    logJob(dataDir, done, 'info', 'chain.next', {
      text: `${REDIS_LABEL} ${done.stage} done: ${next} queued as job ${job.job_id}`,
      next_job_id: job.job_id,
    });
    return job;
  } catch (err) {
    logJob(dataDir, done, 'error', 'chain.broken', {
      text: `${REDIS_LABEL} ${done.stage} done, but ${next} could not be queued: ${err instanceof Error ? err.message : String(err)}`,
    });
    return null;
  }
}
