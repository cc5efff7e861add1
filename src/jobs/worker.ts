/**
 * @module The BullMQ worker of `redis` mode: reads each queued job's row by its id and dispatches on the row's
 * `kind` through the registry of job kinds (kinds.ts): a stage job runs in a child process (so the worker's event
 * loop stays free for lock renewal and heartbeats) with its progress pushed to the queue job, and on SIGTERM it may
 * finish for `config.jobs.worker_shutdown_grace_s`, then is re-queued; a review job is short database work run in
 * this process.
 */
import { UnrecoverableError, WaitingError, Worker, type Job as QueueJob, type Queue } from 'bullmq';
import { getJob } from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { claimAndRun } from './kinds.ts';
import { openStageQueue, redisConnection, type QueueJobData } from './queue.ts';
import { REDIS_LABEL } from './redis-runner.ts';
import { continueChain } from './season-chain.ts';

/** A running worker. */
export interface StageWorker {
  /** The BullMQ worker. */
  worker: Worker<QueueJobData>;
  /**
   * Stops taking jobs; waits for the running ones up to `config.jobs.worker_shutdown_grace_s`, then re-queues
   * them (their children are killed, keeping their checkpoints) and closes.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts a worker on the stage queue.
 * @param ctx - jobs context of the worker process (its own database handle)
 * @returns the worker
 */
export function startWorker(ctx: JobsContext): StageWorker {
  const { jobs } = ctx.config;
  const stopping = new AbortController();
  // Opened on the first chained job (season runs), to queue the next stage; closed on shutdown.
  let chainQueue: Queue<QueueJobData> | null = null;

  async function processJob(
    queued: QueueJob<QueueJobData>,
    token?: string,
  ): Promise<{ state: string }> {
    const row = await getJob(ctx.db, queued.data.job_id, 'any');
    if (!row) {
      throw new UnrecoverableError(
        `Job ${queued.data.job_id} is not in the database of ${ctx.config.data_dir}`,
      );
    }
    const ended = await claimAndRun(ctx, row, {
      label: REDIS_LABEL,
      shutdown: stopping.signal,
      onHeartbeat: async (beaten) => {
        try {
          await queued.updateProgress({ ...beaten.progress, heartbeat_at: beaten.heartbeat_at });
        } catch {
          // Redis hiccup: the database holds the same heartbeat, and the next one retries.
        }
      },
    });
    if (!ended) {
      // Cancelled (or ended) before this worker got to it: nothing to run.
      return { state: row.state };
    }
    const final = ended.job;
    if (final.state === 'queued') {
      await queued.moveToWait(token);
      throw new WaitingError();
    }
    if (final.state === 'error') {
      throw new UnrecoverableError(final.error ?? `${final.kind} job failed`);
    }
    if (final.kind === 'stage' && final.state === 'success' && queued.data.chain?.length) {
      chainQueue ??= openStageQueue(ctx.config);
      await continueChain(ctx, chainQueue, final, queued.data.chain);
    }
    return { state: final.state };
  }

  const worker = new Worker<QueueJobData>(jobs.queue_name, processJob, {
    connection: redisConnection(ctx.config, true),
    prefix: jobs.queue_prefix,
    concurrency: jobs.worker_concurrency,
    // A job whose worker died is reported stalled in the database and resumed on request, never re-run blindly.
    maxStalledCount: 0,
  });
  worker.on('error', (err) => process.stderr.write(`worker: ${err.message}\n`));

  return {
    worker,
    async shutdown(): Promise<void> {
      const timer = setTimeout(() => stopping.abort(), jobs.worker_shutdown_grace_s * 1000);
      try {
        await worker.close();
      } finally {
        clearTimeout(timer);
        await chainQueue?.close();
      }
    },
  };
}
