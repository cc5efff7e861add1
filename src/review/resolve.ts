/**
 * @module Which cast member each track of a run belongs to after review: its track override when it has one,
 * else the assignment of its identity.
 */
import type { ReviewState } from './state.ts';

/** Where a track ends up. */
export interface TrackResolution {
  /** Track id. */
  track_id: number;
  /** Effective identity holding it, or null for an unclustered track. */
  identity_id: string | null;
  /** Cast member, or null (unassigned or ignored). */
  cast_id: string | null;
  /** True when overridden as "not a face / ignore": counted nowhere. */
  ignored: boolean;
  /** True when the cast member comes from a track override rather than the identity. */
  overridden: boolean;
}

/**
 * Resolves every track of the state: track override before identity assignment.
 * @param state - review state
 * @returns one entry per track (identity tracks, then unclustered ones), by track id
 */
export function resolveTracks(state: ReviewState): Map<number, TrackResolution> {
  const out = new Map<number, TrackResolution>();
  const put = (trackId: number, identityId: string | null, castId: string | null): void => {
    const o = state.overrides[String(trackId)];
    out.set(trackId, {
      track_id: trackId,
      identity_id: identityId,
      cast_id: o ? o.cast_id : castId,
      ignored: o?.ignore ?? false,
      overridden: o !== undefined,
    });
  };
  for (const idn of state.identities) {
    for (const t of idn.track_ids) {
      put(t, idn.identity_id, idn.cast_id);
    }
  }
  for (const t of state.unclustered_track_ids) {
    put(t, null, null);
  }
  return out;
}
