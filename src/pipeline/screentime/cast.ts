/**
 * @module Cast screen time: each track resolved to a cast member (track override before identity assignment, see
 * src/review), the intervals of a cast member's tracks unioned (a person visible in two tracks at once counts
 * once), plus an `unassigned` bucket for tracks that resolve to nobody (ignored tracks count nowhere).
 */
import {
  resolveTracks,
  SYSTEM_REVIEWER,
  TIERS,
  type ReviewState,
  type Tier,
} from '../../review/index.ts';
import type { Interval } from '../../types.ts';
import { clampIntervals, mergeIntervals, totalSeconds } from './intervals.ts';

/** Seconds of one cast member, or of the unassigned tracks. */
export interface CastBucket {
  /** Seconds on screen (union of the tracks' intervals). */
  seconds: number;
  /** `seconds / duration_s`, in [0, 1]. */
  share: number;
  /** Merged visible intervals `[start_s, end_s]`. */
  intervals: Interval[];
  /** Identities holding the tracks. */
  identity_ids: string[];
  /** The tracks, ascending. */
  track_ids: number[];
}

/** One cast member of `screentime.json`. */
export interface CastRow extends CastBucket {
  /** Cast id. */
  cast_id: string;
  /** Its name (the cast id when the cast member is gone). */
  name: string;
  /** Who named its identities: all by auto-assignment (`system`), all by a person, or both (`mixed`). */
  assigned_by: 'system' | 'person' | 'mixed';
  /** Weakest tier among its auto-assigned identities, or null when a person named them all. */
  tier: Tier | null;
}

/** How track spans become intervals. */
export interface SpanRules {
  /** Video duration, seconds. */
  durationS: number;
  /** Half the sampling step, seconds: each analysed frame stands for this much either side. */
  halfStepS: number;
  /** Gaps up to this many seconds are closed (default: `config.screentime.gap_tolerance_s`). */
  gapS: number;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

function bucket(
  trackIds: number[],
  identityIds: Set<string>,
  spanOf: (trackId: number) => Interval | null,
  rules: SpanRules,
): CastBucket {
  const raw = trackIds.flatMap((t): Interval[] => {
    const span = spanOf(t);
    return span ? [span] : [];
  });
  const intervals = mergeIntervals(clampIntervals(raw, rules.durationS), rules.gapS).map(
    ([a, b]): Interval => [round(a, 3), round(b, 3)],
  );
  const seconds = totalSeconds(intervals);
  return {
    seconds: round(seconds, 3),
    share: rules.durationS > 0 ? round(seconds / rules.durationS, 4) : 0,
    intervals,
    identity_ids: [...identityIds].sort(),
    track_ids: [...trackIds].sort((a, b) => a - b),
  };
}

/**
 * Who named a cast member's identities: `system` when every one was auto-assigned (tracks overridden by a person
 * count as a person's naming), with the weakest tier among them.
 */
function whoNamed(
  state: ReviewState,
  castId: string,
  identityIds: ReadonlySet<string>,
): Pick<CastRow, 'assigned_by' | 'tier'> {
  let system = 0;
  let person = 0;
  let weakest = -1;
  for (const idn of state.identities) {
    if (!identityIds.has(idn.identity_id)) {
      continue;
    }
    if (idn.cast_id === castId && idn.assigned_by === SYSTEM_REVIEWER) {
      system++;
      weakest = Math.max(weakest, idn.assigned_tier ? TIERS.indexOf(idn.assigned_tier) : -1);
    } else {
      person++;
    }
  }
  return {
    assigned_by: system > 0 && person > 0 ? 'mixed' : system > 0 ? 'system' : 'person',
    tier: system > 0 && weakest >= 0 ? TIERS[weakest]! : null,
  };
}

/**
 * Screen time per cast member and of the unassigned tracks.
 * @param state - review state of the run's clustering
 * @param spanOf - a track's `[first_ts, last_ts]` in seconds, or null when unknown
 * @param names - cast id to name
 * @param rules - duration, half sampling step, gap tolerance (seconds)
 * @returns cast members by seconds (most first), and the unassigned bucket
 */
export function castScreentime(
  state: ReviewState,
  spanOf: (trackId: number) => Interval | null,
  names: ReadonlyMap<string, string>,
  rules: SpanRules,
): { cast: CastRow[]; unassigned: CastBucket } {
  const groups = new Map<string | null, { tracks: number[]; identities: Set<string> }>();
  for (const r of resolveTracks(state).values()) {
    if (r.ignored) {
      continue;
    }
    const g = groups.get(r.cast_id) ?? { tracks: [], identities: new Set<string>() };
    g.tracks.push(r.track_id);
    if (r.identity_id) {
      g.identities.add(r.identity_id);
    }
    groups.set(r.cast_id, g);
  }
  const padded = (t: number): Interval | null => {
    const span = spanOf(t);
    return span ? [span[0] - rules.halfStepS, span[1] + rules.halfStepS] : null;
  };
  const cast = [...groups]
    .filter((e): e is [string, { tracks: number[]; identities: Set<string> }] => e[0] !== null)
    .map(([castId, g]) => ({
      cast_id: castId,
      name: names.get(castId) ?? castId,
      ...whoNamed(state, castId, g.identities),
      ...bucket(g.tracks, g.identities, padded, rules),
    }))
    .sort((a, b) => b.seconds - a.seconds || a.cast_id.localeCompare(b.cast_id));
  const none = groups.get(null) ?? { tracks: [], identities: new Set<string>() };
  return { cast, unassigned: bucket(none.tracks, none.identities, padded, rules) };
}
