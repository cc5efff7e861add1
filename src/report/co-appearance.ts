/**
 * @module Co-appearance of cast members: the seconds in which two cast members are both on screen, i.e. the
 * length of the intersection of their merged intervals, added up over the episodes of a season.
 */
import type { Interval } from '../types.ts';

/** A symmetric cast member x cast member matrix of shared seconds. */
export interface CoAppearance {
  /** Cast ids, in the order of the matrix's rows and columns. */
  cast_ids: string[];
  /**
   * `seconds[i][j]`: seconds in which `cast_ids[i]` and `cast_ids[j]` are both on screen, summed over the
   * episodes (rounded to milliseconds). The diagonal holds each cast member's own screen time.
   */
  seconds: number[][];
}

/**
 * Length of the intersection of two interval lists.
 * @param a - intervals `[start_s, end_s]` in seconds, sorted by start and not overlapping each other (merged)
 * @param b - the same for the other cast member
 * @returns seconds covered by both lists (0 when either is empty)
 */
export function intersectSeconds(a: readonly Interval[], b: readonly Interval[]): number {
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < a.length && j < b.length) {
    const [aStart, aEnd] = a[i]!;
    const [bStart, bEnd] = b[j]!;
    const overlap = Math.min(aEnd, bEnd) - Math.max(aStart, bStart);
    if (overlap > 0) {
      total += overlap;
    }
    if (aEnd < bEnd) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return total;
}

/**
 * The co-appearance matrix of a season: for every pair of cast members, the seconds they share the screen,
 * added up over the episodes (an episode where either is absent adds nothing).
 * @param castIds - rows and columns of the matrix, in this order
 * @param episodes - per episode, each cast member's merged intervals (seconds) by cast id; cast ids that are not in
 *   `castIds` are ignored
 * @returns the matrix; `seconds[i][i]` is cast member i's screen time over the episodes
 */
export function coAppearance(
  castIds: readonly string[],
  episodes: readonly ReadonlyMap<string, readonly Interval[]>[],
): CoAppearance {
  const seconds = castIds.map(() => castIds.map(() => 0));
  for (const intervalsOf of episodes) {
    castIds.forEach((a, i) => {
      const ia = intervalsOf.get(a);
      if (!ia) {
        return;
      }
      for (let j = i; j < castIds.length; j += 1) {
        const ib = intervalsOf.get(castIds[j]!);
        if (ib) {
          const shared = intersectSeconds(ia, ib);
          seconds[i]![j]! += shared;
          if (j !== i) {
            seconds[j]![i]! += shared;
          }
        }
      }
    });
  }
  return {
    cast_ids: [...castIds],
    seconds: seconds.map((row) => row.map((s) => Math.round(s * 1000) / 1000)),
  };
}
