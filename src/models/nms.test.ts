/**
 * @module Tests of IoU and greedy NMS.
 */
import { describe, expect, it } from 'vitest';
import type { FaceBox } from '../types.ts';
import { iou, suppressOverlaps } from './nms.ts';

describe('iou', () => {
  it('returns overlap over union when boxes overlap', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
  });

  it('returns 0 when boxes only touch or a box is empty', () => {
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });
});

describe('suppressOverlaps', () => {
  // Boxes of the kind UltraFace returns around one face (franck.mp4 frame at 1 s), plus a separate face.
  const boxes: FaceBox[] = [
    { bbox: [141, 53, 257, 241], score: 0.97 },
    { bbox: [140, 51, 258, 243], score: 0.999 },
    { bbox: [136, 60, 250, 246], score: 0.91 },
    { bbox: [300, 40, 350, 100], score: 0.6 },
  ];

  it('keeps the best box of each overlapping group, highest score first, when boxes overlap', () => {
    expect(suppressOverlaps(boxes, 0.4).map((b) => b.score)).toEqual([0.999, 0.6]);
  });

  it('keeps every box when the IoU limit is 1', () => {
    expect(suppressOverlaps(boxes, 1)).toHaveLength(4);
  });
});
