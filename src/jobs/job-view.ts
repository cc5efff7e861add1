/**
 * @module The public shape of a job of any kind, built from its database row: a stage job (what `GET /jobs/{job_id}`,
 * `jobs/running` and 409 answers carry) with the live `progress.json` and the log; a review job (what
 * `GET /review_jobs/{job_id}` answers) with its progress in percent and its result. Stall detection is the same for
 * both (stall.ts).
 */
import type { AnyJob, ExecutionMode, Job, JobState, ReviewJob } from '../store/index.ts';
import type { EpisodeId, RunId, Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { tailJobLog } from './job-log.ts';
import { readJobProgress, viewProgress, type ProgressView } from './progress.ts';
import { noticeStall } from './stall.ts';

/** What the views of every kind show. Times are ISO 8601 UTC. */
interface CommonView {
  /** Job id in `redis` mode; null in `local` mode (local runs have no job id). */
  job_id: string | null;
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run the job works on. */
  run_id: RunId;
  /** Execution mode. */
  execution_mode: ExecutionMode;
  /** State. */
  state: JobState;
  /** Last heartbeat of the runner, or null while queued. */
  heartbeat_at: string | null;
  /** True when running with a silent or dead runner (heartbeat older than `config.jobs.stall_after_s`). */
  stalled: boolean;
  /** True when a cancel was asked for and the runner has not ended the job yet. */
  cancel_requested: boolean;
  /** One-line error of a failed job. */
  error: string | null;
  /** Creation time. */
  created_at: string;
  /** When a runner took it. */
  started_at: string | null;
  /** When it ended. */
  finished_at: string | null;
}

/** A stage job as the API shows it. */
export interface JobView extends CommonView {
  /** The stage. */
  stage: Stage;
  /** Progress, or null before the stage reported any. */
  progress: ProgressView | null;
  /** Seconds since `heartbeat_at`, or null. */
  heartbeat_age_s: number | null;
  /** Requested profile. */
  profile: string;
  /** Requested device. */
  device: string;
  /** Continues from the stage's checkpoint. */
  resume: boolean;
  /** Job this one resumes. */
  resumed_from: string | null;
  /** Who started it: the signed-in user of the API; null for the CLI and season chains. */
  requested_by: string | null;
  /** Host of the runner and of the stage's child. */
  host: string | null;
  /** Process id (and process group) of the stage's child on `host`. */
  pid: number | null;
  /** Last log lines of the job, rendered (noisy lines left out). */
  log_tail: string[];
}

/** A review job as the API shows it. */
export interface ReviewJobView extends CommonView {
  /** The operation. */
  operation: string;
  /** Identities done out of all, with percent; null before the first report. */
  progress: { done: number; total: number; pct: number } | null;
  /** Result of a successful job (per operation). */
  result: unknown;
  /** Who asked for it. */
  reviewer: string;
}

/** The view of each kind of job. */
interface ViewOf {
  stage: JobView;
  review: ReviewJobView;
}

/** The stage-only part of a stage job's view. */
function stageView(ctx: JobsContext, job: Job, now: Date): Omit<JobView, keyof CommonView> {
  const dataDir = ctx.config.data_dir;
  const active = job.state === 'queued' || job.state === 'running';
  const progress = (active ? readJobProgress(dataDir, job) : null) ?? job.progress;
  const ageS =
    job.heartbeat_at === null ? null : (now.getTime() - Date.parse(job.heartbeat_at)) / 1000;
  return {
    stage: job.stage,
    progress: viewProgress(progress),
    heartbeat_age_s: ageS === null || !active ? null : Math.round(ageS * 10) / 10,
    profile: job.profile,
    device: job.device,
    resume: job.resume,
    resumed_from: job.resumed_from,
    requested_by: job.requested_by,
    host: job.host,
    pid: job.child_pid,
    log_tail: tailJobLog(dataDir, job, ctx.config.jobs.log_tail_lines),
  };
}

/** The review-only part of a review job's view. */
function reviewView(job: ReviewJob): Omit<ReviewJobView, keyof CommonView> {
  const p = job.progress;
  return {
    operation: job.operation,
    progress: p
      ? { ...p, pct: p.total > 0 ? Math.round((1000 * p.done) / p.total) / 10 : 100 }
      : null,
    result: job.result,
    reviewer: job.reviewer,
  };
}

/**
 * Builds the view of a job of any kind; notices (records, and for a stage job logs once) a stall.
 * @param ctx - jobs context
 * @param job - the row
 * @param now - the time
 * @returns the view of its kind
 */
export async function viewJob<J extends AnyJob>(
  ctx: JobsContext,
  job: J,
  now: Date = new Date(),
): Promise<ViewOf[J['kind']]> {
  const active = job.state === 'queued' || job.state === 'running';
  const common: CommonView = {
    job_id: job.mode === 'redis' ? job.job_id : null,
    ep_id: job.ep_id,
    run_id: job.run_id,
    execution_mode: job.mode,
    state: job.state,
    heartbeat_at: job.heartbeat_at,
    stalled: await noticeStall(ctx, job, now),
    cancel_requested: active && job.cancel_requested_at !== null,
    error: job.error,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
  };
  const own = job.kind === 'stage' ? stageView(ctx, job, now) : reviewView(job);
  return { ...common, ...own } as ViewOf[J['kind']];
}
