/** @module Tests of the co-appearance matrix on hand-made intervals. */
import { describe, expect, it } from 'vitest';
import type { Interval } from '../types.ts';
import { coAppearance, intersectSeconds } from './co-appearance.ts';

describe('intersectSeconds', () => {
  it('adds up every overlap when the lists interleave', () => {
    const a: Interval[] = [
      [0, 10],
      [20, 30],
    ];
    const b: Interval[] = [
      [5, 25],
      [28, 40],
    ];
    // [5,10] + [20,25] + [28,30]
    expect(intersectSeconds(a, b)).toBeCloseTo(12, 9);
    expect(intersectSeconds(b, a)).toBeCloseTo(12, 9);
  });

  it('is 0 when the intervals only touch or one list is empty', () => {
    expect(intersectSeconds([[0, 5]], [[5, 9]])).toBe(0);
    expect(intersectSeconds([], [[0, 9]])).toBe(0);
  });

  it('counts a long interval against several short ones', () => {
    expect(
      intersectSeconds(
        [[0, 100]],
        [
          [1, 2],
          [3, 5],
          [99, 120],
        ],
      ),
    ).toBeCloseTo(4, 9);
  });
});

describe('coAppearance', () => {
  it('gives a symmetric matrix summed over episodes with own screen time on the diagonal', () => {
    const ep1 = new Map<string, Interval[]>([
      ['ann', [[0, 10]]],
      ['bob', [[4, 12]]],
    ]);
    const ep2 = new Map<string, Interval[]>([
      [
        'ann',
        [
          [0, 2],
          [6, 8],
        ],
      ],
      ['bob', [[0, 7]]],
      ['cy', [[0, 1]]],
    ]);
    const out = coAppearance(['ann', 'bob', 'cy'], [ep1, ep2]);
    expect(out.cast_ids).toEqual(['ann', 'bob', 'cy']);
    // ann-bob: ep1 [4,10] = 6, ep2 [0,2] + [6,7] = 3
    expect(out.seconds).toEqual([
      [14, 9, 1],
      [9, 15, 1],
      [1, 1, 1],
    ]);
  });

  it('gives zeros for a cast member absent from every episode', () => {
    const out = coAppearance(['ann', 'zed'], [new Map([['ann', [[0, 3] as Interval]]])]);
    expect(out.seconds).toEqual([
      [3, 0],
      [0, 0],
    ]);
  });
});
