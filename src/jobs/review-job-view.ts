/**
 * @module The public shape of a review job (what `GET /review_jobs/{job_id}` answers): its row with progress in
 * percent and whether it is stalled (a running job whose runner stopped reporting, or died on this host).
 */
import type { ExecutionMode, ReviewJob } from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { isProcessAlive } from './processes.ts';

/** A review job as the API shows it. */
export interface ReviewJobView {
  /** Job id (`rjob-...`); null for a local job (local runs have no job id). */
  job_id: string | null;
  /** Episode id. */
  ep_id: string;
  /** Run whose review it works on. */
  run_id: string;
  /** The operation. */
  operation: string;
  /** Execution mode. */
  execution_mode: ExecutionMode;
  /** State. */
  state: ReviewJob['state'];
  /** Identities done out of all, with percent; null before the first report. */
  progress: { done: number; total: number; pct: number } | null;
  /** Last report of the runner. */
  heartbeat_at: string | null;
  /** Running with a silent or dead runner (heartbeat older than `config.jobs.stall_after_s`). */
  stalled: boolean;
  /** A cancel was asked for and the runner has not stopped yet. */
  cancel_requested: boolean;
  /** One-line error of a failed job. */
  error: string | null;
  /** Result of a successful job (per operation). */
  result: unknown;
  /** Who asked for it. */
  reviewer: string;
  /** Creation time. */
  created_at: string;
  /** When a runner took it. */
  started_at: string | null;
  /** When it ended. */
  finished_at: string | null;
}

/**
 * Builds the public view of a review job.
 * @param ctx - jobs context (stall threshold, this host)
 * @param job - the row
 * @param now - the time
 */
export function viewReviewJob(ctx: JobsContext, job: ReviewJob, now = new Date()): ReviewJobView {
  const running = job.state === 'running';
  const silentS = job.heartbeat_at ? (now.getTime() - Date.parse(job.heartbeat_at)) / 1000 : 0;
  const deadHere =
    job.host === ctx.host && job.runner_pid !== null && !isProcessAlive(job.runner_pid);
  const p = job.progress;
  return {
    job_id: job.mode === 'redis' ? job.job_id : null,
    ep_id: job.ep_id,
    run_id: job.run_id,
    operation: job.operation,
    execution_mode: job.mode,
    state: job.state,
    progress: p
      ? { ...p, pct: p.total > 0 ? Math.round((1000 * p.done) / p.total) / 10 : 100 }
      : null,
    heartbeat_at: job.heartbeat_at,
    stalled: running && (silentS > ctx.config.jobs.stall_after_s || deadHere),
    cancel_requested: running && job.cancel_requested_at !== null,
    error: job.error,
    result: job.result,
    reviewer: job.reviewer,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
  };
}
