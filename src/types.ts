/**
 * @module The words of DESIGN.md as types, shared by every layer. This file imports nothing.
 */

/** Episode id, `{show}-s{SS}e{EE}` in lower-case slug form (e.g. `fotb-s01e11`). */
export type EpisodeId = string;

/** Run id: one attempt at the pipeline for an episode (e.g. `run-20261121-065400-ab12`). */
export type RunId = string;

/** The pipeline stages, in execution order. */
export const STAGES = ['detect_track', 'faces_embed', 'cluster', 'screentime'] as const;

/** One pipeline step. */
export type Stage = (typeof STAGES)[number];

/** Named sets of defaults (stride, detector input, threads). */
export const PROFILES = ['low_power', 'balanced', 'performance'] as const;

/** A profile name. */
export type ProfileName = (typeof PROFILES)[number];

/** Requested ONNX Runtime device. `auto` picks the best available. */
export const DEVICES = ['auto', 'cpu', 'cuda', 'coreml'] as const;

/** A requested device. */
export type DeviceName = (typeof DEVICES)[number];

/** Face detector families that ship in the model pack. */
export const DETECTORS = ['ultraface', 'blazeface'] as const;

/** A face detector family. */
export type DetectorName = (typeof DETECTORS)[number];

/** Box `[x1, y1, x2, y2]`, in pixels of the image it was found in (source-video pixels in artifacts). */
export type BBox = [number, number, number, number];

/** Point `[x, y]` in pixels. */
export type Point = [number, number];

/**
 * An RGB image in memory: `data` is `widthPx * heightPx * 3` bytes, row-major, RGB24, no padding.
 */
export interface RgbImage {
  /** Pixel bytes, RGB24. */
  data: Uint8Array;
  /** Width in pixels. */
  widthPx: number;
  /** Height in pixels. */
  heightPx: number;
}

/** One analysed frame of the video, as decoded (and scaled) by ffmpeg. */
export interface Frame extends RgbImage {
  /** Source-video frame index (0-based). */
  frameIdx: number;
  /** Presentation time in seconds from the start of the video. */
  ts: number;
}

/** A face found by a detector in one image, before tracking. Coordinates in that image's pixels. */
export interface FaceBox {
  /** Box in pixels of the detector's input image (after the detector's own rescaling back). */
  bbox: BBox;
  /** Detector score in [0, 1]. */
  score: number;
  /** Five points (left eye, right eye, nose, left mouth corner, right mouth corner) when the detector gives them. */
  landmarks?: Point[];
}

/** One face box in one analysed frame, as written to `detections.jsonl`. */
export interface Detection {
  /** Source-video frame index. */
  frame_idx: number;
  /** Time in seconds. */
  ts: number;
  /** Box in source-video pixels. */
  bbox_xyxy: BBox;
  /** Detector score in [0, 1]. */
  conf: number;
  /** Five landmarks in source-video pixels (eyes, nose, mouth corners). */
  landmarks: Point[];
  /** Track the detection was linked to, or null when it never joined a confirmed track. */
  track_id: number | null;
}

/** Screen-time interval `[start_s, end_s]` in seconds. */
export type Interval = [number, number];
