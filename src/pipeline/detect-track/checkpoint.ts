/**
 * @module detect_track's checkpoint: the position and everything found so far, saved at clean restart points (no
 * track open), so that a resumed run writes the same artifacts as an uninterrupted one.
 */
import { rmSync } from 'node:fs';
import { z } from 'zod';
import { readJsonArtifact, writeJsonAtomic } from '../../store/index.ts';
import type { Detection } from '../../types.ts';
import type { TrackRow } from './index.ts';
import type { ShotCutState } from './shot-cuts.ts';
import type { ZoomPassState } from './zoom-pass.ts';

const checkpointSchema = z.object({
  schema_version: z.literal(1),
  /** Hash of the stage parameters; a checkpoint of other parameters is not used. */
  params_hash: z.string(),
  /** Source-video frame index to decode from. */
  resume_frame_idx: z.number().int().min(0),
  /** True when the frame at `resume_frame_idx` was already pushed to the shot-cut detector (a cut frame). */
  pushed: z.boolean(),
  /** Analysed frames done before `resume_frame_idx`. */
  frames_done: z.number().int().min(0),
  /** Id the next confirmed track gets. */
  next_track_id: z.number().int().min(1),
  /** Shot-cut detector state. */
  shots: z.custom<ShotCutState>(),
  /** Detections so far. */
  detections: z.array(z.custom<Detection>()),
  /** Finished tracks so far. */
  tracks: z.array(z.custom<TrackRow>()),
  /** State of the zoomed second pass (absent in checkpoints of runs without it). */
  zoom: z.custom<ZoomPassState>().optional(),
});

/** Contents of `checkpoints/detect_track.json`. */
export type DetectTrackCheckpoint = z.infer<typeof checkpointSchema>;

/**
 * Reads a checkpoint that matches the parameters.
 * @param path - `runPaths(...).checkpoint('detect_track')`
 * @param paramsHash - hash of the parameters of the run about to resume
 * @returns the checkpoint, or null when there is none or it was taken with other parameters
 * @throws AppError (`INTERNAL`) when the file is corrupt
 */
export function readCheckpoint(path: string, paramsHash: string): DetectTrackCheckpoint | null {
  const cp = readJsonArtifact(path, checkpointSchema);
  return cp && cp.params_hash === paramsHash ? cp : null;
}

/** Writes the checkpoint atomically (a crash while writing keeps the previous one). */
export function writeCheckpoint(path: string, checkpoint: DetectTrackCheckpoint): void {
  writeJsonAtomic(path, checkpoint);
}

/** Removes the checkpoint (the stage finished). */
export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
}
