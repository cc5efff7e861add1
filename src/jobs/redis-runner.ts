/**
 * @module `redis` mode: the job is admitted `queued` and added to the BullMQ stage queue under its own id; a
 * worker (worker.ts) claims and runs it. The request returns at once.
 */
import type { Queue } from 'bullmq';
import type { Job } from '../store/index.ts';
import type { Stage } from '../types.ts';
import { admitJob, type JobRequest } from './admission.ts';
import type { JobsContext } from './context.ts';
import { QueueUnavailableError } from './errors.ts';
import { logJob } from './job-log.ts';
import { abandon } from './job-state.ts';
import type { QueueJobData } from './queue.ts';
import type { JobRunner, StartOptions } from './runner.ts';

/** Prefix of the human log lines of queued jobs. */
export const REDIS_LABEL = '[REDIS MODE]';

/** Finished queue jobs kept in Redis for inspection (the database keeps every job anyway). */
const KEEP_FINISHED = { count: 1000 };

/**
 * @param ctx - jobs context of the API process
 * @param queue - the stage queue (opened by the caller, who closes it)
 * @returns the redis runner
 */
export function createRedisRunner(ctx: JobsContext, queue: Queue<QueueJobData>): JobRunner {
  return {
    mode: 'redis',
    async start(stage: Stage, request: JobRequest, opts: StartOptions = {}): Promise<Job> {
      const job = await admitJob(ctx, {
        ...request,
        stage,
        mode: 'redis',
        resume: opts.resume,
        resumedFrom: opts.resumedFrom,
      });
      try {
        const data: QueueJobData = opts.chain?.length
          ? { job_id: job.job_id, chain: opts.chain }
          : { job_id: job.job_id };
        await queue.add(stage, data, {
          jobId: job.job_id,
          lifo: opts.lifo,
          removeOnComplete: KEEP_FINISHED,
          removeOnFail: KEEP_FINISHED,
        });
      } catch (cause) {
        await abandon(ctx, job, `could not be queued: ${String(cause)}`, 'error');
        throw new QueueUnavailableError({ cause });
      }
      logJob(ctx.config.data_dir, job, 'info', 'job.queued', {
        text: `${REDIS_LABEL} ${stage} queued as job ${job.job_id}${opts.resume ? ' (resume)' : ''}${opts.chain?.length ? `, then ${opts.chain.join(', ')}` : ''}`,
      });
      return job;
    },
    async afterCancel(job: Job): Promise<void> {
      if (job.state !== 'cancelled') {
        return;
      }
      try {
        await queue.remove(job.job_id);
      } catch {
        // Locked by a worker that is claiming it right now: claimJob finds it cancelled and drops it.
      }
    },
  };
}
