/** @module Tests of the box IoU. */
import { describe, expect, it } from 'vitest';
import { iou } from './iou.ts';

describe('iou', () => {
  it('is 1 when the boxes are equal', () => {
    expect(iou([10, 20, 50, 80], [10, 20, 50, 80])).toBe(1);
  });

  it('is the overlap ratio when the boxes overlap in part', () => {
    // 10x10 boxes shifted by 5 px: intersection 50, union 150.
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3, 12);
  });

  it('is the area ratio when one box holds the other', () => {
    expect(iou([0, 0, 10, 10], [2, 2, 7, 7])).toBeCloseTo(25 / 100, 12);
  });

  it('is 0 when the boxes only touch or are apart', () => {
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [30, 30, 40, 40])).toBe(0);
  });

  it('is 0 when both boxes are empty', () => {
    expect(iou([5, 5, 5, 5], [5, 5, 5, 5])).toBe(0);
  });
});
