/**
 * @module Long review operations (refresh similarity, auto-group, batch assign, cleanup) as jobs of kind `review`, in
 * the same two modes as stage jobs and through the same machinery: the mode is chosen by `JobsService.chooseMode`
 * (local when asked or when Redis is down, else redis), `redis` jobs go on the stage queue (named
 * `review.<operation>`, for people reading the queue) and are run by the same `screenalytics worker`, which
 * dispatches on the row's kind; both modes run them through the `review` entry of the job kinds (kinds.ts): in the
 * runner's own process, no child, no lock beyond the `jobs` table's one-active index, progress doubling as
 * heartbeat.
 */
import { AppError, NotFoundError } from '../errors.ts';
import { openReview, type ReviewOperation, type ReviewTarget } from '../review/index.ts';
import {
  endLostJob,
  findActiveJob,
  getJob,
  insertJob,
  jobOfKind,
  requestJobCancel,
  type ExecutionMode,
  type ReviewJob,
} from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { QueueUnavailableError } from './errors.ts';
import { viewJob, type ReviewJobView } from './job-view.ts';
import { JOB_KIND_SPECS } from './kinds.ts';
import { LOCAL_LABEL } from './local-runner.ts';
import { countWorkers } from './queue.ts';
import { isStalled } from './stall.ts';
import type { JobsService } from './service.ts';

/** Finished queue jobs kept in Redis for inspection (the database keeps every job anyway). */
const KEEP_FINISHED = { count: 1000 };

/** Answer of a `local` review job: it has ended. */
export interface LocalReviewResult {
  /** How it ended. */
  status: 'completed' | 'error';
  /** Episode id. */
  ep_id: string;
  /** Run id. */
  run_id: string;
  /** The operation. */
  operation: ReviewOperation;
  /** Always `local`. */
  execution_mode: 'local';
  /** The operation's result, or null on error. */
  result: unknown;
  /** Wall time in seconds. */
  elapsed_seconds: number;
  /** One-line error, or null. */
  error: string | null;
  /** Why it ran locally although no mode was asked for, or null. */
  warning: string | null;
}

/** Answer of a `redis` review job: it is queued. */
export interface QueuedReviewResult {
  /** Job id: poll `GET /review_jobs/{job_id}`. */
  job_id: string;
  /** Always `queued`. */
  status: 'queued';
  /** Episode id. */
  ep_id: string;
  /** Run id. */
  run_id: string;
  /** The operation. */
  operation: ReviewOperation;
  /** Always `redis`. */
  execution_mode: 'redis';
  /** Workers listening on the queue (null when unknown). */
  workers: number | null;
  /** Set when no worker runs. */
  warning: string | null;
}

/** Review jobs of one API process, riding on its jobs service (mode choice and stage queue). */
export class ReviewJobsService {
  /**
   * @param ctx - jobs context of the API process
   * @param jobs - its jobs service
   */
  constructor(
    private readonly ctx: JobsContext,
    private readonly jobs: JobsService,
  ) {}

  /**
   * Starts a review operation.
   * @param operation - which
   * @param target - episode and optional run
   * @param params - its parameters (body less `execution_mode`)
   * @param opts - wanted mode (default: redis when Redis answers, else local) and reviewer
   * @returns the local result when it ran locally, else the queued result
   * @throws ZodError (400) for bad parameters; NotFoundError / ConflictError when the episode or its clustered run
   *   is missing; ConflictError when the operation is already active for the episode (a stalled one is ended and
   *   replaced); a local run's own 4xx
   *   (unknown cast id, version conflict); QueueUnavailableError (503)
   */
  async submit(
    operation: ReviewOperation,
    target: ReviewTarget,
    params: unknown,
    opts: { executionMode?: ExecutionMode; reviewer: string },
  ): Promise<LocalReviewResult | QueuedReviewResult> {
    const review = JOB_KIND_SPECS.review;
    const parsed: unknown = review.params(operation).parse(params);
    const opened = await openReview(this.ctx, target);
    const active = await findActiveJob(this.ctx.db, opened.epId, operation, 'review');
    if (active && isStalled(this.ctx, active)) {
      await endLostJob(
        this.ctx.db,
        active.job_id,
        'lost: its runner stopped reporting; a new job took its place',
      );
    }
    const { mode, warning } = await this.jobs.chooseMode(opts.executionMode);
    const row = {
      kind: 'review' as const,
      ep_id: opened.epId,
      run_id: opened.runId,
      operation,
      mode,
      params: parsed,
      reviewer: opts.reviewer,
    };
    if (mode === 'local') {
      const startedMs = Date.now();
      const job = await insertJob(this.ctx.db, {
        ...row,
        runner: { host: this.ctx.host, pid: this.ctx.pid },
      });
      const { job: end, failure } = await review.run(this.ctx, job, { label: LOCAL_LABEL });
      if (failure instanceof AppError && failure.status < 500) {
        throw failure;
      }
      return {
        status: end.state === 'success' ? 'completed' : 'error',
        ep_id: end.ep_id,
        run_id: end.run_id,
        operation,
        execution_mode: 'local',
        result: end.result,
        elapsed_seconds: Math.round((Date.now() - startedMs) / 100) / 10,
        error: end.error,
        warning,
      };
    }
    const queue = this.jobs.stageQueue();
    const job = await insertJob(this.ctx.db, row);
    try {
      await queue.add(
        `review.${operation}`,
        { job_id: job.job_id },
        { jobId: job.job_id, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
      );
    } catch (cause) {
      await requestJobCancel(this.ctx.db, job.job_id);
      throw new QueueUnavailableError({ cause });
    }
    const workers = await countWorkers(queue);
    return {
      job_id: job.job_id,
      status: 'queued',
      ep_id: job.ep_id,
      run_id: job.run_id,
      operation,
      execution_mode: 'redis',
      workers,
      warning:
        workers === 0
          ? 'No worker is running: start one with `screenalytics worker`; the job waits in the queue until then'
          : null,
    };
  }

  /**
   * @returns the view of a review job
   * @throws NotFoundError when there is no such job
   */
  async status(jobId: string): Promise<ReviewJobView> {
    return viewJob(this.ctx, await this.require(jobId));
  }

  /**
   * Cancels a review job from any process: a queued one at once (and off the queue), a running one at its next
   * progress report.
   * @returns the job after the change
   * @throws NotFoundError when there is no such job
   */
  async cancel(jobId: string): Promise<ReviewJobView> {
    await this.require(jobId);
    const job = jobOfKind('review', await requestJobCancel(this.ctx.db, jobId))!;
    if (job.mode === 'redis' && job.state === 'cancelled') {
      try {
        await this.jobs.stageQueue().remove(jobId);
      } catch {
        // Locked by a worker claiming it now: claimJob finds it cancelled and drops it.
      }
    }
    return viewJob(this.ctx, job);
  }

  private async require(jobId: string): Promise<ReviewJob> {
    const job = await getJob(this.ctx.db, jobId, 'review');
    if (!job) {
      throw new NotFoundError(
        `Review job ${jobId} does not exist: start one with POST /episodes/{ep_id}/refresh_similarity_async`,
      );
    }
    return job;
  }
}
