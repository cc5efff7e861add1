/**
 * @module Face-sample candidate types shared by detect_track, which writes them into `tracks.jsonl`, and
 * faces_embed, which reads them back.
 */

/** One candidate face sample of a track, as listed in `tracks.jsonl`. */
export interface SampleCandidate {
  /** Source-video frame index. */
  frame_idx: number;
  /** Time in seconds. */
  ts: number;
  /** Detector score. */
  conf: number;
  /** Face height in source-video pixels. */
  face_px: number;
  /** Variance of the Laplacian of the aligned crop's luma. */
  sharpness: number;
  /** Combined quality score used to pick samples (higher is better), see `sampleQuality`. */
  quality: number;
  /** Path of the aligned 112 x 112 JPEG crop, relative to the run folder. */
  crop: string;
}

/** What is known of a detection before its crop is aligned. */
export type CandidateDetection = Pick<SampleCandidate, 'frame_idx' | 'ts' | 'conf' | 'face_px'>;
