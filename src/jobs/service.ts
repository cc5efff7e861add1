/**
 * @module The jobs layer as the API uses it: start a stage (choosing the mode), resume, cancel, and read jobs. One
 * function per route; both modes answer through the same database, so any API process can serve any request.
 */
import type { Queue } from 'bullmq';
import { ConflictError, NotFoundError } from '../errors.ts';
import {
  getEpisode,
  getJob,
  listActiveJobs,
  listStageJobs,
  parseEpisodeId,
  type ExecutionMode,
  type Job,
} from '../store/index.ts';
import type { Stage } from '../types.ts';
import type { JobRequest } from './admission.ts';
import { killLeftoverChild } from './child.ts';
import type { JobsContext } from './context.ts';
import { QueueUnavailableError, StageBusyError } from './errors.ts';
import { formatLogLine, isNoisy, linesOfJob, logJob, readRunStageLog } from './job-log.ts';
import { abandon, askCancel, settleMarker } from './job-state.ts';
import { viewJob, type JobView } from './job-view.ts';
import { createLocalRunner } from './local-runner.ts';
import { announceInstance } from './instance.ts';
import { countWorkers, openStageQueue, probeRedis, type QueueJobData } from './queue.ts';
import { createRedisRunner } from './redis-runner.ts';
import { seasonChainAfter } from './season-record.ts';
import type { JobRunner, StartOptions } from './runner.ts';
import { isStalled } from './stall.ts';

/** A start or resume request: the job request plus the wanted mode (default: redis when Redis answers). */
export interface SubmitRequest extends JobRequest {
  /** Execution mode; default `redis` when Redis answers, else `local` with a warning. */
  executionMode?: ExecutionMode;
}

/** Answer of a `local` job: the stage has ended. */
export interface LocalResult {
  /** How the stage ended (a cancelled job's client is gone and reads nothing). */
  status: 'completed' | 'error';
  /** Episode id. */
  ep_id: string;
  /** The stage run. */
  operation: Stage;
  /** Always `local`. */
  execution_mode: 'local';
  /** Run written into. */
  run_id: string;
  /** The job's log lines, rendered, noisy lines left out. */
  logs: string[];
  /** Wall time of the job in seconds. */
  elapsed_seconds: number;
  /** One-line error when `status` is `error`. */
  error: string | null;
  /** Why the job ran locally although no mode was asked for (Redis down), or null. */
  warning: string | null;
}

/** Answer of a `redis` job: it is queued. */
export interface QueuedResult {
  /** Job id: poll `GET /jobs/{job_id}` or stream `/jobs/{job_id}/events`. */
  job_id: string;
  /** Always `queued`. */
  status: 'queued';
  /** Episode id. */
  ep_id: string;
  /** The stage. */
  operation: Stage;
  /** Always `redis`. */
  execution_mode: 'redis';
  /** Run the stage will write into. */
  run_id: string;
  /** Workers listening on the queue now (null when unknown). */
  workers: number | null;
  /** Set when no worker is running, so nobody waits blind. */
  warning: string | null;
}

/** A job view with what the queue says. */
export interface JobStatus extends JobView {
  /** Workers listening on the queue (redis jobs; null for local jobs or when Redis is down). */
  workers: number | null;
  /** Set when a queued or running redis job has no worker alive, or Redis is down. */
  warning: string | null;
}

const NO_WORKER =
  'No worker is running: start one with `screenalytics worker`; the job waits in the queue until then';

/** The jobs service of one API process. */
export class JobsService {
  private queue: Queue<QueueJobData> | null = null;
  private announced: Promise<void> = Promise.resolve();
  private readonly localJobs = new Set<Promise<Job>>();
  private readonly local: JobRunner;

  /** @param ctx - jobs context of the API process */
  constructor(readonly ctx: JobsContext) {
    this.local = createLocalRunner(ctx);
  }

  private redisRunner(): { runner: JobRunner; queue: Queue<QueueJobData> } {
    if (!this.queue) {
      this.queue = openStageQueue(this.ctx.config);
      // Workers wait for this before taking jobs (instance.ts); the queue's own errors are reported on use.
      this.announced = announceInstance(this.ctx.config).then(
        () => undefined,
        () => undefined,
      );
    }
    return { runner: createRedisRunner(this.ctx, this.queue), queue: this.queue };
  }

  /**
   * The stage queue of this process (opened on first use, closed by `close()`); review jobs share it.
   * @returns the BullMQ queue of `config.jobs.queue_name`
   */
  stageQueue(): Queue<QueueJobData> {
    return this.redisRunner().queue;
  }

  /**
   * Picks the execution mode of a job: `local` when asked; else `redis` when Redis answers; else `local` with a
   * warning, unless `redis` was asked (then 503).
   * @param wanted - the mode asked for, if any
   * @throws QueueUnavailableError when `redis` was asked and Redis does not answer
   */
  async chooseMode(
    wanted: ExecutionMode | undefined,
  ): Promise<{ mode: ExecutionMode; warning: string | null }> {
    if (wanted === 'local') {
      return { mode: 'local', warning: null };
    }
    if (await probeRedis(this.ctx.config)) {
      return { mode: 'redis', warning: null };
    }
    if (wanted === 'redis') {
      throw new QueueUnavailableError();
    }
    return { mode: 'local', warning: 'Redis did not answer, so the stage ran in local mode' };
  }

  /**
   * Starts a stage.
   * @param stage - the stage
   * @param request - episode, run, profile, device, mode
   * @param opts - local mode: `signal` aborts (client disconnect); resume flags; redis mode: `chain`, `lifo`
   * @returns the local result when it ran locally, else the queued result
   * @throws what admission throws (404, 400, 409 StageBusyError, 409 upstream), QueueUnavailableError (503)
   */
  async submit(
    stage: Stage,
    request: SubmitRequest,
    opts: StartOptions = {},
  ): Promise<LocalResult | QueuedResult> {
    const { mode, warning } = await this.chooseMode(request.executionMode);
    if (mode === 'local') {
      const running = this.local.start(stage, request, opts);
      this.localJobs.add(running);
      const job = await running.finally(() => this.localJobs.delete(running));
      const lines = linesOfJob(readRunStageLog(this.ctx.config.data_dir, job), job).filter(
        (l) => !isNoisy(l),
      );
      const endMs = Date.parse(job.finished_at ?? new Date().toISOString());
      return {
        status: job.state === 'success' ? 'completed' : 'error',
        ep_id: job.ep_id,
        operation: stage,
        execution_mode: 'local',
        run_id: job.run_id,
        logs: lines.map(formatLogLine),
        elapsed_seconds: Math.round((endMs - Date.parse(job.created_at)) / 100) / 10,
        error: job.state === 'success' ? null : (job.error ?? job.state),
        warning,
      };
    }
    const { runner, queue } = this.redisRunner();
    const job = await runner.start(stage, request, opts);
    const workers = await countWorkers(queue);
    return {
      job_id: job.job_id,
      status: 'queued',
      ep_id: job.ep_id,
      operation: stage,
      execution_mode: 'redis',
      run_id: job.run_id,
      workers,
      warning: workers === 0 ? NO_WORKER : null,
    };
  }

  /**
   * Resumes a stage whose last job stalled, failed or was cancelled: a new job in the same run, from the
   * checkpoint. A stalled job's lock is taken over (logged). A stage of a `redis` season run goes on with the
   * rest of its episode's chain.
   * @throws NotFoundError when the stage never ran as a job; ConflictError when its last job succeeded;
   *   StageBusyError when its job is alive
   */
  async resume(
    stage: Stage,
    request: SubmitRequest,
    signal?: AbortSignal,
  ): Promise<LocalResult | QueuedResult> {
    const epId = await this.requireEpisode(request.epId);
    const [last] = await listStageJobs(this.ctx.db, epId, stage, 1);
    if (!last) {
      throw new NotFoundError(
        `${stage} of ${epId} never ran as a job: start it with POST /jobs/${stage}`,
      );
    }
    if (last.state === 'success') {
      throw new ConflictError(
        `${stage} of ${epId} succeeded in its last job: start a new one with POST /jobs/${stage}`,
      );
    }
    if ((last.state === 'queued' || last.state === 'running') && !isStalled(this.ctx, last)) {
      throw new StageBusyError(
        `${stage} of ${epId} is running and not stalled: nothing to resume`,
        await viewJob(this.ctx, last),
      );
    }
    return this.submit(
      stage,
      {
        epId,
        runId: last.run_id,
        profile: request.profile ?? last.profile,
        device: request.device ?? last.device,
        allowCpuFallback: request.allowCpuFallback ?? last.allow_cpu_fallback,
        executionMode: request.executionMode,
        requestedBy: request.requestedBy,
      },
      {
        signal,
        resume: true,
        resumedFrom: last.job_id,
        chain: seasonChainAfter(this.ctx.config.data_dir, epId, last.run_id, stage),
      },
    );
  }

  /**
   * Cancels a job from any process. A queued job is cancelled at once; a running one by its runner within
   * `config.jobs.poll_ms` plus the kill grace; a stalled one here (its leftover child on this host is killed).
   * @returns the job after the change
   * @throws NotFoundError when there is no such job
   */
  async cancel(jobId: string): Promise<JobStatus> {
    const job = await this.requireJob(jobId);
    const { data_dir: dataDir } = this.ctx.config;
    if (isStalled(this.ctx, job)) {
      killLeftoverChild(job, this.ctx.host);
      await abandon(this.ctx, job, 'cancelled while stalled', 'cancelled');
      settleMarker(dataDir, job, 'cancelled', 'cancelled while stalled');
      logJob(dataDir, job, 'warn', 'job.cancelled', {
        text: `${job.stage} cancelled while stalled`,
      });
    } else if (job.state === 'queued' || job.state === 'running') {
      const row = await askCancel(this.ctx, jobId);
      logJob(dataDir, job, 'warn', 'job.cancel_requested', {
        text: `Cancel of ${job.stage} requested`,
      });
      if (job.mode === 'redis') {
        await this.redisRunner().runner.afterCancel(row);
      }
    }
    return this.status(jobId);
  }

  /**
   * @returns the job with its progress, heartbeat, stall, log tail, and the queue's worker count
   * @throws NotFoundError when there is no such job
   */
  async status(jobId: string): Promise<JobStatus> {
    return this.withWorkers(await this.requireJob(jobId));
  }

  /**
   * @param epId - episode id; omitted: every episode
   * @returns the queued and running jobs of every stage of the episode (or of all), both modes
   * @throws InputError for a bad id; NotFoundError when the episode is not registered
   */
  async running(epId?: string): Promise<JobStatus[]> {
    const id = epId === undefined ? undefined : await this.requireEpisode(epId);
    const jobs = await listActiveJobs(this.ctx.db, id);
    return Promise.all(jobs.map((j) => this.withWorkers(j)));
  }

  /**
   * Waits for the local jobs of this process to end (close their requests first: their stages are then killed),
   * and closes the queue connection, if one was opened.
   */
  async close(): Promise<void> {
    await Promise.allSettled(this.localJobs);
    await this.announced;
    await this.queue?.close();
  }

  private async withWorkers(job: Job): Promise<JobStatus> {
    const view = await viewJob(this.ctx, job);
    const active = job.state === 'queued' || job.state === 'running';
    if (job.mode !== 'redis' || !active) {
      return { ...view, workers: null, warning: null };
    }
    const workers = (await probeRedis(this.ctx.config))
      ? await countWorkers(this.redisRunner().queue)
      : null;
    const warning =
      workers === null
        ? 'Redis does not answer: the job cannot progress until it is back'
        : workers === 0
          ? NO_WORKER
          : null;
    return { ...view, workers, warning };
  }

  private async requireJob(jobId: string): Promise<Job> {
    const job = await getJob(this.ctx.db, jobId);
    if (!job) {
      throw new NotFoundError(
        `Job ${jobId} does not exist: list running jobs with GET /episodes/{ep_id}/jobs/running`,
      );
    }
    return job;
  }

  private async requireEpisode(epId: string): Promise<string> {
    const id = parseEpisodeId(epId);
    if (!(await getEpisode(this.ctx.db, id))) {
      throw new NotFoundError(
        `Episode ${id} is not registered: create it with POST /episodes first`,
      );
    }
    return id;
  }
}
