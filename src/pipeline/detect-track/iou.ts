/** @module Intersection over union of two axis-aligned boxes. */
import type { BBox } from '../../types.ts';

/**
 * Intersection over union of two `[x1, y1, x2, y2]` boxes in the same pixel space (continuous coordinates,
 * so a box's area is `(x2 - x1) * (y2 - y1)`, no `+1`).
 *
 * @returns IoU in [0, 1]; 0 when the boxes do not overlap or both are empty.
 */
export function iou(a: BBox, b: BBox): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) {
    return 0;
  }
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}
