/**
 * @module The public shape of a job (what `GET /jobs/{job_id}`, `jobs/running` and 409 answers carry), built from
 * its database row, the live `progress.json` and the log.
 */
import type { ExecutionMode, Job, JobState } from '../store/index.ts';
import type { EpisodeId, RunId, Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { tailJobLog } from './job-log.ts';
import { readJobProgress, viewProgress, type ProgressView } from './progress.ts';
import { noticeStall } from './stall.ts';

/** A job as the API shows it. Times are ISO 8601 UTC. */
export interface JobView {
  /** Job id in `redis` mode; null in `local` mode (local runs have no job id). */
  job_id: string | null;
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run the stage writes into. */
  run_id: RunId;
  /** The stage. */
  stage: Stage;
  /** Execution mode. */
  execution_mode: ExecutionMode;
  /** State. */
  state: JobState;
  /** Progress, or null before the stage reported any. */
  progress: ProgressView | null;
  /** Last heartbeat of the runner, or null while queued. */
  heartbeat_at: string | null;
  /** Seconds since `heartbeat_at`, or null. */
  heartbeat_age_s: number | null;
  /** True when running with a silent or dead runner: resume or cancel it. */
  stalled: boolean;
  /** True when a cancel was asked for and the runner has not ended the job yet. */
  cancel_requested: boolean;
  /** One-line error of a failed job. */
  error: string | null;
  /** Requested profile. */
  profile: string;
  /** Requested device. */
  device: string;
  /** Continues from the stage's checkpoint. */
  resume: boolean;
  /** Job this one resumes. */
  resumed_from: string | null;
  /** Host of the runner and of the stage's child. */
  host: string | null;
  /** Process id (and process group) of the stage's child on `host`. */
  pid: number | null;
  /** Creation time. */
  created_at: string;
  /** When a runner took it. */
  started_at: string | null;
  /** When it ended. */
  finished_at: string | null;
  /** Last log lines of the job, rendered (noisy lines left out). */
  log_tail: string[];
}

/**
 * Builds the view of a job; notices (records and logs once) a stall.
 * @param ctx - jobs context
 * @param job - the row
 * @param now - the time
 * @returns the view
 */
export async function viewJob(
  ctx: JobsContext,
  job: Job,
  now: Date = new Date(),
): Promise<JobView> {
  const dataDir = ctx.config.data_dir;
  const active = job.state === 'queued' || job.state === 'running';
  const progress = (active ? readJobProgress(dataDir, job) : null) ?? job.progress;
  const ageS =
    job.heartbeat_at === null ? null : (now.getTime() - Date.parse(job.heartbeat_at)) / 1000;
  return {
    job_id: job.mode === 'redis' ? job.job_id : null,
    ep_id: job.ep_id,
    run_id: job.run_id,
    stage: job.stage,
    execution_mode: job.mode,
    state: job.state,
    progress: viewProgress(progress),
    heartbeat_at: job.heartbeat_at,
    heartbeat_age_s: ageS === null || !active ? null : Math.round(ageS * 10) / 10,
    stalled: await noticeStall(ctx, job, now),
    cancel_requested: active && job.cancel_requested_at !== null,
    error: job.error,
    profile: job.profile,
    device: job.device,
    resume: job.resume,
    resumed_from: job.resumed_from,
    host: job.host,
    pid: job.child_pid,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
    log_tail: tailJobLog(dataDir, job, ctx.config.jobs.log_tail_lines),
  };
}
