/**
 * @module A job's progress: the stage child's `progress.json` while it belongs to the job, else the last progress
 * the runner stored; and the public shape with `pct`.
 */
import { readProgress, runPaths, type Job, type JobProgress } from '../store/index.ts';

/** Progress as the API shows it. */
export interface ProgressView extends JobProgress {
  /** Percent done (0-100, one decimal), or null when the total is unknown. */
  pct: number | null;
}

/**
 * Reads the run's `progress.json` when it was written by this job's stage since the job started.
 * @param dataDir - data directory
 * @param job - the job
 * @returns the progress, or null when the file is absent or belongs to another stage or an earlier job
 */
export function readJobProgress(dataDir: string, job: Job): JobProgress | null {
  if (!job.started_at) {
    return null;
  }
  const progress = readProgress(runPaths(dataDir, job.ep_id, job.run_id).progress);
  if (!progress || progress.stage !== job.stage || progress.heartbeat_at < job.started_at) {
    return null;
  }
  const { frames_done, frames_total, fps, eta_s } = progress;
  return { frames_done, frames_total, fps, eta_s };
}

/**
 * @param progress - stored or live progress
 * @returns the progress with `pct`, or null
 */
export function viewProgress(progress: JobProgress | null): ProgressView | null {
  if (!progress) {
    return null;
  }
  const { frames_done, frames_total } = progress;
  const pct = frames_total ? Math.round((1000 * frames_done) / frames_total) / 10 : null;
  return { ...progress, pct };
}
