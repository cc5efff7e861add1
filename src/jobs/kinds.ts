/**
 * @module The registry of job kinds: for each kind of row in the one `jobs` table, its parameter schema, its lock,
 * where it runs, its timeout, and how a runner claims and runs one. Both runners (the API process in `local` mode,
 * `screenalytics worker` in `redis` mode, worker.ts) go through it, dispatching on the row's `kind`.
 *
 * - `stage`: a pipeline stage. Locked by the stage lock file (`locks/{stage}.lock` of the episode, lock.ts) on top of
 *   the active-row index; runs in a child process supervised by the runner (supervise.ts); times out after
 *   `config.jobs.local_timeout_s` in `local` mode, never in `redis` mode.
 * - `review`: a long review operation (refresh similarity, auto-group, batch assign, cleanup). No lock beyond the
 *   active-row index `jobs_one_active` (one queued or running job per episode and operation): it is short database
 *   work, so it runs in the runner's own process, and its progress reports are its heartbeat; no timeout.
 */
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { CancelledError } from '../errors.ts';
import {
  operationParamsSchemas,
  runReviewOperation,
  type ReviewOperation,
} from '../review/index.ts';
import {
  claimJob,
  finishJob,
  heartbeatJob,
  jobOfKind,
  type AnyJob,
  type JobKind,
  type JobsByKind,
} from '../store/index.ts';
import { DEVICES, PROFILES } from '../types.ts';
import type { JobsContext } from './context.ts';
import { logJob } from './job-log.ts';
import { claim } from './job-state.ts';
import { superviseJob } from './supervise.ts';

/** How a runner runs a claimed job. */
export interface RunJobOptions {
  /** Prefix of the human log lines: `[LOCAL MODE]` or `[REDIS MODE]`. */
  label: string;
  /** Cancels the job (local mode: the client disconnected). */
  signal?: AbortSignal;
  /** The runner is shutting down: a stage job is put back in the queue (review jobs are short: they finish). */
  shutdown?: AbortSignal;
  /** Called after each heartbeat of a stage job with its row (redis mode: pushes progress to the queue job). */
  onHeartbeat?: (job: AnyJob) => Promise<void>;
}

/** How a run ended: the job as it ended, and the error that failed it (null when none did). */
export interface JobRunEnd<K extends JobKind> {
  /** The job as it ended (a stage job is `queued` again after a shutdown). */
  job: JobsByKind[K];
  /** What failed it: a review operation's error (its 4xx are the local request's answer); null otherwise. */
  failure: unknown;
}

/** One kind of job. */
export interface JobKindSpec<K extends JobKind> {
  /**
   * @param name - the stage or the review operation
   * @returns the schema of the job's `params` object
   */
  params: (name: string) => z.ZodType;
  /**
   * @param config - loaded config
   * @param job - the job
   * @returns seconds after which the runner fails it with `timeout`, or undefined for none
   */
  timeoutS: (config: Config, job: JobsByKind[K]) => number | undefined;
  /**
   * This process claims a queued job: the database row, and the lock of kinds that have one (stage: the lock file).
   * @returns the running job, or null when it is no longer queued (cancelled first)
   * @throws NotFoundError when the job does not exist
   */
  claim: (
    ctx: JobsContext,
    queued: JobsByKind[K],
    opts: RunJobOptions,
  ) => Promise<JobsByKind[K] | null>;
  /**
   * Runs a claimed (`running`) job of this process to its end (stage: in a supervised child process; review: in this
   * process); never throws for a failure of the job itself.
   * @returns how it ended
   */
  run: (ctx: JobsContext, job: JobsByKind[K], opts: RunJobOptions) => Promise<JobRunEnd<K>>;
}

/** The parameters of a stage job. */
const stageParamsSchema = z.object({
  profile: z.enum(PROFILES),
  device: z.enum(DEVICES),
  allow_cpu_fallback: z.boolean(),
  resume: z.boolean(),
  resumed_from: z.string().nullable(),
});

const stageKind: JobKindSpec<'stage'> = {
  params: () => stageParamsSchema,
  timeoutS: (config, job) => (job.mode === 'local' ? config.jobs.local_timeout_s : undefined),
  async claim(ctx, queued, opts) {
    const job = await claim(ctx, queued);
    if (job) {
      logJob(ctx.config.data_dir, job, 'info', 'job.claimed', {
        text: `${opts.label} job ${job.job_id} claimed by worker ${ctx.pid} on ${ctx.host}`,
      });
    }
    return job;
  },
  async run(ctx, job, opts) {
    const local = job.mode === 'local';
    const end = await superviseJob(ctx, job, {
      label: opts.label,
      signal: opts.signal,
      shutdown: opts.shutdown,
      timeoutS: stageKind.timeoutS(ctx.config, job),
      threadCap: local ? ctx.config.jobs.local_max_threads : null,
      onHeartbeat: opts.onHeartbeat,
    });
    return { job: end, failure: null };
  },
};

/**
 * Runs a claimed review job in this process: progress reports are its heartbeat and the points where a cancel
 * (asked from any process) stops it.
 */
async function runReview(
  ctx: JobsContext,
  job: JobsByKind['review'],
): Promise<JobRunEnd<'review'>> {
  const report = async (done: number, total: number): Promise<void> => {
    const row = await heartbeatJob(ctx.db, job.job_id, { done, total });
    if (!row || row.cancel_requested_at) {
      throw new CancelledError(`${job.operation} of ${job.ep_id} was cancelled`);
    }
  };
  const end = async (how: Parameters<typeof finishJob>[2]) =>
    jobOfKind('review', await finishJob(ctx.db, job.job_id, how)) ?? job;
  try {
    const result = await runReviewOperation(
      ctx,
      job.operation as ReviewOperation,
      { epId: job.ep_id, runId: job.run_id },
      job.params,
      job.reviewer,
      report,
    );
    return { job: await end({ state: 'success', result }), failure: null };
  } catch (err) {
    const state = err instanceof CancelledError ? 'cancelled' : 'error';
    const error = err instanceof Error ? err.message : String(err);
    return { job: await end({ state, error }), failure: err };
  }
}

const reviewKind: JobKindSpec<'review'> = {
  params: (name) => operationParamsSchemas[name as ReviewOperation],
  timeoutS: () => undefined,
  claim: async (ctx, queued) =>
    jobOfKind('review', await claimJob(ctx.db, queued.job_id, { host: ctx.host, pid: ctx.pid })),
  run: (ctx, job) => runReview(ctx, job),
};

/** Every kind of job, by kind. */
export const JOB_KIND_SPECS: { [K in JobKind]: JobKindSpec<K> } = {
  stage: stageKind,
  review: reviewKind,
};

/**
 * Claims a queued job of any kind and runs it to its end in this process, through its kind's entry.
 * @param ctx - jobs context of the runner
 * @param queued - the queued row
 * @param opts - label, signals, heartbeat hook
 * @returns how it ended, or null when it was not queued any more (cancelled first)
 * @throws NotFoundError when the job does not exist
 */
export async function claimAndRun(
  ctx: JobsContext,
  queued: AnyJob,
  opts: RunJobOptions,
): Promise<JobRunEnd<JobKind> | null> {
  // The row's kind picks its entry; the entry of a kind only ever sees rows of that kind.
  const spec = JOB_KIND_SPECS[queued.kind] as unknown as JobKindSpec<JobKind>;
  const job = await spec.claim(ctx, queued, opts);
  return job && spec.run(ctx, job, opts);
}
