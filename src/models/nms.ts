/**
 * @module Greedy non-maximum suppression of face boxes by IoU.
 */
import type { BBox, FaceBox } from '../types.ts';

/**
 * Intersection over union of two boxes `[x1, y1, x2, y2]` (any unit, same for both).
 * @returns IoU in [0, 1]; 0 when either box is empty
 */
export function iou(a: BBox, b: BBox): number {
  const [ax1, ay1, ax2, ay2] = a;
  const [bx1, by1, bx2, by2] = b;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) {
    return 0;
  }
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy NMS: boxes sorted by score, each kept unless it overlaps an already kept box by more than `maxIou`.
 * @param boxes - candidate boxes (not modified)
 * @param maxIou - IoU above which the weaker box is dropped (`config.detect.nms_iou`)
 * @returns kept boxes, highest score first
 * @see Neubeck and Van Gool, "Efficient Non-Maximum Suppression", ICPR 2006
 */
export function suppressOverlaps(boxes: FaceBox[], maxIou: number): FaceBox[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const box of sorted) {
    if (kept.every((k) => iou(k.bbox, box.bbox) <= maxIou)) {
      kept.push(box);
    }
  }
  return kept;
}
