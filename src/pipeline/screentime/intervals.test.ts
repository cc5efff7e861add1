/** @module Tests of the screen-time interval math. */
import { describe, expect, it } from 'vitest';
import type { Interval } from '../../types.ts';
import {
  clampIntervals,
  formatTimelineCsv,
  mergeIntervals,
  perSecondTimeline,
  totalSeconds,
} from './intervals.ts';

const invalid: unknown = expect.objectContaining({ code: 'INPUT_INVALID' });

describe('mergeIntervals', () => {
  it('sorts and merges overlapping and nested intervals when the tolerance is 0', () => {
    expect(
      mergeIntervals(
        [
          [5, 6],
          [0, 2],
          [1, 3],
          [1.5, 2.5],
        ],
        0,
      ),
    ).toEqual([
      [0, 3],
      [5, 6],
    ]);
  });

  it('merges touching intervals and gaps up to the tolerance, and keeps larger gaps', () => {
    expect(
      mergeIntervals(
        [
          [0, 1],
          [1, 2],
        ],
        0,
      ),
    ).toEqual([[0, 2]]);
    expect(
      mergeIntervals(
        [
          [0, 1],
          [1.5, 2],
          [2.6, 3],
        ],
        0.5,
      ),
    ).toEqual([
      [0, 2],
      [2.6, 3],
    ]);
  });

  it('keeps a lone zero-length interval and lets one bridge two neighbours', () => {
    expect(mergeIntervals([[4, 4]], 0)).toEqual([[4, 4]]);
    expect(
      mergeIntervals(
        [
          [0, 1],
          [1.4, 1.4],
          [1.8, 2],
        ],
        0.5,
      ),
    ).toEqual([[0, 2]]);
  });

  it('does not modify its input', () => {
    const input: Interval[] = [
      [2, 3],
      [0, 2.5],
    ];
    mergeIntervals(input, 0);
    expect(input).toEqual([
      [2, 3],
      [0, 2.5],
    ]);
  });

  it('throws INPUT_INVALID when an interval is reversed or not finite, or the tolerance is negative', () => {
    expect(() => mergeIntervals([[3, 2]], 0)).toThrow(invalid);
    expect(() => mergeIntervals([[NaN, 2]], 0)).toThrow(invalid);
    expect(() => mergeIntervals([[0, 1]], -1)).toThrow(invalid);
  });
});

describe('clampIntervals', () => {
  it('clips intervals that cross the ends of the video', () => {
    expect(
      clampIntervals(
        [
          [-2, 1],
          [9, 12],
        ],
        10,
      ),
    ).toEqual([
      [0, 1],
      [9, 10],
    ]);
  });

  it('drops intervals outside the video, including ones that only touch its end', () => {
    expect(
      clampIntervals(
        [
          [-3, -1],
          [11, 12],
          [10, 11],
          [-1, 0],
        ],
        10,
      ),
    ).toEqual([]);
  });

  it('keeps a zero-length interval when it lies inside the video', () => {
    expect(
      clampIntervals(
        [
          [0, 0],
          [10, 10],
          [10.5, 10.5],
        ],
        10,
      ),
    ).toEqual([
      [0, 0],
      [10, 10],
    ]);
  });
});

describe('totalSeconds', () => {
  it('counts overlaps once and zero-length intervals as nothing', () => {
    expect(
      totalSeconds([
        [0, 2],
        [1, 3],
        [2, 2.5],
        [5, 5],
      ]),
    ).toBe(3);
  });

  it('is 0 when there are no intervals', () => {
    expect(totalSeconds([])).toBe(0);
  });
});

describe('perSecondTimeline', () => {
  it('gives each id the covered fraction of each second, with a shorter last second', () => {
    const timeline = perSecondTimeline(
      new Map<string, Interval[]>([
        [
          'id_0001',
          [
            [0.5, 2],
            [1, 1.5],
          ],
        ],
        ['id_0002', [[2.25, 4]]],
      ]),
      3.5,
    );
    expect(timeline.ids).toEqual(['id_0001', 'id_0002']);
    expect(timeline.seconds).toBe(4);
    // Rows: [0,1) [1,2) [2,3) [3,3.5).
    expect([...timeline.coverage]).toEqual([0.5, 0, 1, 0, 0, 0.75, 0, 1]);
    expect(formatTimelineCsv(timeline)).toBe(
      'second,id_0001,id_0002\n0,0.5,0\n1,1,0\n2,0,0.75\n3,0,1\n',
    );
  });

  it('shows nothing in the next second when an interval ends exactly on its boundary', () => {
    const { coverage } = perSecondTimeline(new Map<string, Interval[]>([['a', [[0, 1]]]]), 2);
    expect([...coverage]).toEqual([1, 0]);
  });

  it('adds up to the total seconds of each id when the timeline is summed', () => {
    const intervals: Interval[] = [
      [0.3, 1.7],
      [1.2, 4.1],
      [6.6, 6.9],
      [8.2, 12],
    ];
    const { coverage, seconds } = perSecondTimeline(new Map([['a', intervals]]), 9.5);
    let sum = 0;
    for (let s = 0; s < seconds; s++) {
      sum += coverage[s]! * Math.min(1, 9.5 - s);
    }
    expect(sum).toBeCloseTo(totalSeconds(clampIntervals(intervals, 9.5)), 5);
  });

  it('has no rows when the duration is 0', () => {
    const timeline = perSecondTimeline(new Map([['a', [[0, 0]] as Interval[]]]), 0);
    expect(timeline.seconds).toBe(0);
    expect(formatTimelineCsv(timeline)).toBe('second,a\n');
  });
});
