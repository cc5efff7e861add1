/**
 * @module `runs/{run_id}/progress.json`: frames done of the stage running now, and its heartbeat.
 */
import { z } from 'zod';
import { STAGES, type Stage } from '../../types.ts';
import { readJsonArtifact, schemaVersionField, writeJsonArtifact } from './json-artifact.ts';

/** `runs/{run_id}/progress.json`. */
export const progressSchema = z.object({
  schema_version: schemaVersionField,
  /** The stage reporting. */
  stage: z.enum(STAGES),
  /** Units done (source-video frames for detect_track, faces for faces_embed). */
  frames_done: z.number().int().min(0),
  /** Units in total; null when unknown. */
  frames_total: z.number().int().min(0).nullable(),
  /** Processing speed in units per second. */
  fps: z.number().min(0),
  /** Estimated seconds to completion; null when unknown. */
  eta_s: z.number().min(0).nullable(),
  /** Time of this write, ISO 8601 UTC; a running job whose heartbeat is old is stalled. */
  heartbeat_at: z.iso.datetime(),
  /** Write counter, increasing by one per write, so that readers see that something moved. */
  seq: z.number().int().min(0),
});

/** Contents of `progress.json`. */
export type Progress = z.infer<typeof progressSchema>;

/** What a stage reports. */
export type ProgressUpdate = Pick<Progress, 'frames_done' | 'frames_total' | 'fps' | 'eta_s'>;

/**
 * @param path - `runPaths(...).progress`
 * @returns the last progress written, or null when none was
 * @throws AppError (`INTERNAL`) on a bad file or `schema_version`
 */
export function readProgress(path: string): Progress | null {
  return readJsonArtifact(path, progressSchema);
}

/**
 * Writes `progress.json` atomically for one stage; every write increments `seq`, continuing from the file's `seq`
 * when one exists, so that `seq` keeps increasing across a resumed job.
 */
export class ProgressWriter {
  private last: Progress | null = null;
  private seq: number;

  /**
   * @param path - `runPaths(...).progress`
   * @param stage - the stage reporting
   * @throws AppError (`INTERNAL`) when an existing file is unreadable
   */
  constructor(
    readonly path: string,
    readonly stage: Stage,
  ) {
    this.seq = readProgress(path)?.seq ?? 0;
  }

  /**
   * Writes a progress update with `heartbeat_at = now`.
   * @param update - frames done and total, speed, ETA
   * @param now - time of the update (default: the current time)
   * @returns the progress written
   */
  write(update: ProgressUpdate, now: Date = new Date()): Progress {
    this.seq += 1;
    const progress: Progress = {
      schema_version: 1,
      stage: this.stage,
      ...update,
      heartbeat_at: now.toISOString(),
      seq: this.seq,
    };
    writeJsonArtifact(this.path, progressSchema, progress);
    this.last = progress;
    return progress;
  }

  /**
   * Rewrites the last update with a new `heartbeat_at` (no frames done yet: zeros), for a stage between updates.
   * @param now - time of the heartbeat (default: the current time)
   * @returns the progress written
   */
  heartbeat(now: Date = new Date()): Progress {
    const { frames_done = 0, frames_total = null, fps = 0, eta_s = null } = this.last ?? {};
    return this.write({ frames_done, frames_total, fps, eta_s }, now);
  }
}
