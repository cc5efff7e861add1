/**
 * @module Re-clustering never wipes review work: the edits of an older review become a `carry_over` edit of the new
 * clustering. Each new identity inherits the cast member its tracks carried before, weighted by face samples;
 * track overrides and excluded face samples follow their tracks; an identity whose tracks carried several cast
 * members is listed as a conflict (and, on a tie, left unassigned) instead of being guessed silently.
 */
import { resolveTracks } from './resolve.ts';
import type { CarryConflict, CarryVote, Edit, ReviewState } from './state.ts';

/** The carried work, without its `from`. */
export type CarriedWork = Omit<Extract<Edit, { kind: 'carry_over' }>, 'kind' | 'from'>;

/**
 * Carries an old review over to a new clustering.
 * @param old - state of the old review
 * @param fresh - initial state of the new clustering
 * @param oldTrackOf - new track id to the old track it is (identity in the same run; see track-map.ts otherwise)
 * @param newFaceKeys - `{track_id}:{frame_idx}` of the new run's face samples (an excluded sample carries over when
 *   the new run has it)
 * @returns assignments, overrides, excluded samples and conflicts for the new clustering
 */
export function carryOver(
  old: ReviewState,
  fresh: ReviewState,
  oldTrackOf: (newTrackId: number) => number | undefined,
  newFaceKeys: ReadonlySet<string>,
): CarriedWork {
  const before = resolveTracks(old);
  const work: CarriedWork = { assignments: [], overrides: [], excluded_faces: [], conflicts: [] };
  for (const idn of fresh.identities) {
    const votes = new Map<string, CarryVote>();
    for (const t of idn.track_ids) {
      const was = before.get(oldTrackOf(t) ?? -1);
      if (!was?.cast_id || was.ignored) {
        continue;
      }
      const vote = votes.get(was.cast_id) ?? { cast_id: was.cast_id, faces: 0, track_ids: [] };
      vote.faces += Math.max(1, fresh.track_faces[String(t)] ?? 0);
      vote.track_ids.push(t);
      votes.set(was.cast_id, vote);
    }
    const ranked = [...votes.values()].sort(
      (a, b) => b.faces - a.faces || a.cast_id.localeCompare(b.cast_id),
    );
    const [top, second] = ranked;
    const winner = top && !(second && second.faces === top.faces) ? top.cast_id : null;
    if (winner) {
      work.assignments.push({ identity_id: idn.identity_id, cast_id: winner });
    }
    if (ranked.length > 1) {
      const conflict: CarryConflict = {
        identity_id: idn.identity_id,
        cast_id: winner,
        votes: ranked,
      };
      work.conflicts.push(conflict);
    }
  }
  const allTracks = [
    ...fresh.identities.flatMap((i) => i.track_ids),
    ...fresh.unclustered_track_ids,
  ];
  const newOf = new Map<number, number[]>();
  for (const t of allTracks) {
    const o = oldTrackOf(t);
    if (o !== undefined) {
      newOf.set(o, [...(newOf.get(o) ?? []), t]);
    }
  }
  for (const [oldTrack, o] of Object.entries(old.overrides)) {
    for (const t of newOf.get(Number(oldTrack)) ?? []) {
      work.overrides.push({ track_id: t, cast_id: o.cast_id, ignore: o.ignore });
    }
  }
  for (const key of old.excluded_faces) {
    const [oldTrack, frame] = key.split(':');
    for (const t of newOf.get(Number(oldTrack)) ?? []) {
      if (newFaceKeys.has(`${t}:${frame}`)) {
        work.excluded_faces.push(`${t}:${frame}`);
      }
    }
  }
  return work;
}

/** True when the carried work holds nothing. */
export function isEmptyWork(work: CarriedWork): boolean {
  return (
    work.assignments.length === 0 &&
    work.overrides.length === 0 &&
    work.excluded_faces.length === 0 &&
    work.conflicts.length === 0
  );
}
