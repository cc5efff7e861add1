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

/** The stage's own heartbeat: its last progress write. */
export interface StageBeat {
  /** Frames (or other units) done, total, speed and ETA. */
  progress: JobProgress;
  /** When the stage wrote it (`progress.json`'s `heartbeat_at`). */
  at: Date;
  /** The write's sequence number; a new number means the stage made progress. */
  seq: number;
}

/**
 * Reads the run's `progress.json` when it was written by this job's stage since the job started.
 * @param dataDir - data directory
 * @param job - the job
 * @returns the stage's last progress write, or null when the file is absent or belongs to another stage or an
 *   earlier job
 */
export function readStageBeat(dataDir: string, job: Job): StageBeat | null {
  if (!job.started_at) {
    return null;
  }
  const written = readProgress(runPaths(dataDir, job.ep_id, job.run_id).progress);
  if (!written || written.stage !== job.stage || written.heartbeat_at < job.started_at) {
    return null;
  }
  const { frames_done, frames_total, fps, eta_s } = written;
  return {
    progress: { frames_done, frames_total, fps, eta_s },
    at: new Date(written.heartbeat_at),
    seq: written.seq,
  };
}

/**
 * @param dataDir - data directory
 * @param job - the job
 * @returns the progress of this job's stage (readStageBeat), or null
 */
export function readJobProgress(dataDir: string, job: Job): JobProgress | null {
  return readStageBeat(dataDir, job)?.progress ?? null;
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
