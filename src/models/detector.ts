/**
 * @module The face detector interface that every detector family (UltraFace, BlazeFace) implements.
 */
import type { BBox, FaceBox, RgbImage } from '../types.ts';

/** Per-call detection settings. */
export interface DetectOptions {
  /** Minimum score kept, in [0, 1] (`config.detect.score_threshold`). */
  scoreThreshold: number;
  /** IoU above which the weaker of two boxes is suppressed (`config.detect.nms_iou`). */
  nmsIou: number;
}

/**
 * A face detector bound to one ONNX session. Calls are serialised: each `detect` reuses the detector's
 * preallocated input tensor, so concurrent calls queue up rather than race.
 */
export interface FaceDetector {
  /** Manifest name of the model (e.g. `config.models.ultraface`). */
  readonly name: string;
  /** Width in pixels of the network input that images are resized to. */
  readonly inputWidthPx: number;
  /** Height in pixels of the network input. */
  readonly inputHeightPx: number;
  /**
   * Finds faces in an image of any size (whole frame or a tile); the detector resizes it itself.
   * @param image - RGB24 image
   * @param opts - score threshold and NMS IoU
   * @returns boxes in `image` pixels, clipped to it, highest score first
   */
  detect(image: RgbImage, opts: DetectOptions): Promise<FaceBox[]>;
  /** Frees the ONNX session. The detector must not be used afterwards. */
  release(): Promise<void>;
}

/**
 * Clips a box to an image; null when nothing of it is left.
 * @param box - `[x1, y1, x2, y2]` in image pixels
 */
export function clipBox(box: BBox, widthPx: number, heightPx: number): BBox | null {
  const x1 = Math.min(Math.max(box[0], 0), widthPx);
  const y1 = Math.min(Math.max(box[1], 0), heightPx);
  const x2 = Math.min(Math.max(box[2], 0), widthPx);
  const y2 = Math.min(Math.max(box[3], 0), heightPx);
  return x2 > x1 && y2 > y1 ? [x1, y1, x2, y2] : null;
}
