/** @module Screen-time interval math: merge, clamp, total, and the per-second timeline. */
import { InputError } from '../../errors.ts';
import type { Interval } from '../../types.ts';

/**
 * Sorts intervals and merges those that overlap, touch, or are separated by a gap of at most `gapToleranceS`.
 * Zero-length intervals are kept (they can bridge two neighbours) and merged like any other.
 *
 * @param intervals - `[start_s, end_s]` in seconds, any order; not modified
 * @param gapToleranceS - largest gap in seconds that is closed (default: `config.screentime.gap_tolerance_s`)
 * @returns disjoint intervals in increasing order, each gap between them `> gapToleranceS`
 * @throws InputError (`INPUT_INVALID`) when an interval ends before it starts or is not finite, or the tolerance is negative
 */
export function mergeIntervals(intervals: readonly Interval[], gapToleranceS: number): Interval[] {
  if (!(gapToleranceS >= 0)) {
    throw new InputError(`Gap tolerance must be >= 0 seconds, got ${gapToleranceS}`);
  }
  const sorted = intervals.map(checked).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Interval[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start - last[1] <= gapToleranceS) {
      last[1] = Math.max(last[1], end);
    } else {
      out.push([start, end]);
    }
  }
  return out;
}

/**
 * Clips intervals to the video `[0, durationS]`, dropping those that fall outside it. A zero-length interval is
 * kept when it lies inside; a longer one is kept when some of its length is inside.
 *
 * @param intervals - `[start_s, end_s]` in seconds; not modified
 * @param durationS - video duration in seconds
 * @returns the clipped intervals, in input order
 * @throws InputError (`INPUT_INVALID`) when an interval ends before it starts or is not finite
 */
export function clampIntervals(intervals: readonly Interval[], durationS: number): Interval[] {
  const out: Interval[] = [];
  for (const iv of intervals) {
    const [start, end] = checked(iv);
    const a = Math.max(0, start);
    const b = Math.min(durationS, end);
    if (b > a || (start === end && start >= 0 && start <= durationS)) {
      out.push([a, b]);
    }
  }
  return out;
}

/**
 * Seconds covered by the union of the intervals (overlaps count once).
 *
 * @throws InputError (`INPUT_INVALID`) when an interval ends before it starts or is not finite
 */
export function totalSeconds(intervals: readonly Interval[]): number {
  return mergeIntervals(intervals, 0).reduce((sum, [a, b]) => sum + (b - a), 0);
}

/** Per whole second of the video, how much of it each id is visible. One row of `timeline.csv` per second. */
export interface PerSecondTimeline {
  /** Column order: the ids in the map's insertion order. */
  ids: string[];
  /** Number of rows: `ceil(durationS)`; row `s` is the second `[s, s + 1)` (the last one may be shorter). */
  seconds: number;
  /**
   * `seconds x ids.length`, row-major: the fraction in [0, 1] of second `s` covered by id `k`'s intervals
   * (relative to the second's length inside the video). An id is visible in a second when its value is above 0;
   * summed over rows, weighted by each second's length, it gives the id's `totalSeconds` in the video.
   */
  coverage: Float32Array;
}

/**
 * Builds the per-second timeline of several ids.
 *
 * @param intervalsById - id (e.g. `id_0001`) to its intervals in seconds, any order, overlaps allowed
 * @param durationS - video duration in seconds; intervals are clamped to it
 * @throws InputError (`INPUT_INVALID`) when an interval is invalid or `durationS` is negative or not finite
 */
export function perSecondTimeline(
  intervalsById: ReadonlyMap<string, readonly Interval[]>,
  durationS: number,
): PerSecondTimeline {
  if (!(durationS >= 0) || !Number.isFinite(durationS)) {
    throw new InputError(`Duration must be >= 0 seconds, got ${durationS}`);
  }
  const ids = [...intervalsById.keys()];
  const seconds = Math.ceil(durationS);
  const coverage = new Float32Array(seconds * ids.length);
  ids.forEach((id, k) => {
    for (const [a, b] of mergeIntervals(clampIntervals(intervalsById.get(id)!, durationS), 0)) {
      for (let s = Math.floor(a); s < b; s++) {
        const covered = Math.min(b, s + 1) - Math.max(a, s);
        const secondS = Math.min(1, durationS - s);
        const cell = s * ids.length + k;
        coverage[cell] = Math.min(1, coverage[cell]! + covered / secondS);
      }
    }
  });
  return { ids, seconds, coverage };
}

/**
 * `timeline.csv` text: header `second,<id>,...`, then one line per second with each id's coverage rounded to
 * 3 decimals (`0` absent, `1` visible the whole second).
 */
export function formatTimelineCsv({ ids, seconds, coverage }: PerSecondTimeline): string {
  const lines = [['second', ...ids].join(',')];
  for (let s = 0; s < seconds; s++) {
    const row = [String(s)];
    for (let k = 0; k < ids.length; k++) {
      row.push(String(Math.round(coverage[s * ids.length + k]! * 1000) / 1000));
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function checked([start, end]: Interval): Interval {
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    throw new InputError(
      `Interval [${start}, ${end}] is invalid: it needs finite seconds with start <= end`,
    );
  }
  return [start, end];
}
