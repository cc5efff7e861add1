/**
 * @module Edits applied on top of a run's immutable `identities.json`: the initial review state of a clustering,
 * one edit applied to a state (validating it against that state), and the fold of an edit log. Pure functions.
 */
import { ConflictError, InputError, NotFoundError } from '../errors.ts';
import type { Identity } from '../store/index.ts';
import type { Edit, EditMeta, ReviewIdentity, ReviewState, RetiredIdentity } from './state.ts';

/** What a review starts from: the clustering output and the faces of each track. */
export interface ReviewBase {
  /** Identities of `identities.json`. */
  identities: Identity[];
  /** Tracks left out of clustering. */
  unclustered_track_ids: number[];
  /** Embedded face samples per track id. */
  track_faces: Record<string, number>;
}

const idNumber = (id: string): number => Number(id.slice(3));

/** `id_` + number padded to 4 digits. */
export function formatIdentityId(n: number): string {
  return `id_${String(n).padStart(4, '0')}`;
}

/**
 * @param base - clustering output and per-track faces
 * @returns the review state before any edit
 */
export function initialState(base: ReviewBase): ReviewState {
  return {
    identities: base.identities.map((idn) => ({
      identity_id: idn.identity_id,
      track_ids: [...idn.track_ids],
      faces: idn.faces,
      thumb: idn.thumb,
      cohesion: idn.cohesion,
      origin: 'cluster',
      cast_id: null,
      assigned_by: null,
      assigned_at: null,
    })),
    unclustered_track_ids: [...base.unclustered_track_ids],
    track_faces: { ...base.track_faces },
    overrides: {},
    excluded_faces: [],
    conflicts: [],
    retired: {},
    next_identity: Math.max(0, ...base.identities.map((i) => idNumber(i.identity_id))) + 1,
  };
}

/** Faces, thumbnail and cohesion of an identity whose tracks changed. */
function refresh(state: ReviewState, idn: ReviewIdentity): void {
  idn.track_ids.sort((a, b) => a - b);
  const faces = (t: number): number => state.track_faces[String(t)] ?? 0;
  idn.faces = idn.track_ids.reduce((s, t) => s + faces(t), 0);
  const rep = idn.track_ids.reduce(
    (best, t) => (faces(t) > faces(best) ? t : best),
    idn.track_ids[0]!,
  );
  idn.thumb = state.track_thumbs?.[String(rep)] ?? `thumbs/${rep}.webp`;
  idn.cohesion = null;
}

/**
 * @returns the identity of the state
 * @throws ConflictError (`CONFLICT`) when an edit removed it (naming the edit); NotFoundError (`NOT_FOUND`) when
 *   the run never had it
 */
export function requireIdentity(state: ReviewState, id: string): ReviewIdentity {
  const idn = state.identities.find((i) => i.identity_id === id);
  if (idn) {
    return idn;
  }
  const gone: RetiredIdentity | undefined = state.retired[id];
  if (gone) {
    const where = gone.into ? ` into ${gone.into}` : '';
    throw new ConflictError(
      `Identity ${id} no longer exists: ${gone.kind}d${where} by ${gone.by} at ${gone.at}; reload the identities`,
    );
  }
  throw new NotFoundError(
    `Identity ${id} is not an identity of this run: list them with GET /episodes/{ep_id}/identities (an identity of another run needs that run_id)`,
  );
}

function retire(
  state: ReviewState,
  id: string,
  kind: string,
  into: string | null,
  meta: EditMeta,
): void {
  state.identities = state.identities.filter((i) => i.identity_id !== id);
  state.retired[id] = { kind, into, by: meta.by, at: meta.at };
}

function dropConflicts(state: ReviewState, ids: readonly string[]): void {
  state.conflicts = state.conflicts.filter((c) => !ids.includes(c.identity_id));
}

/** Identity holding each track (clustered tracks only). */
export function identityOfTrack(state: ReviewState): Map<number, ReviewIdentity> {
  const out = new Map<number, ReviewIdentity>();
  for (const idn of state.identities) {
    for (const t of idn.track_ids) {
      out.set(t, idn);
    }
  }
  return out;
}

function requireTracks(state: ReviewState, trackIds: readonly number[]): void {
  const known = new Set([...identityOfTrack(state).keys(), ...state.unclustered_track_ids]);
  const missing = trackIds.filter((t) => !known.has(t));
  if (missing.length > 0) {
    throw new NotFoundError(
      `Track ${missing.join(', ')} is not a track of this run: list them with GET /episodes/{ep_id}/identities/{identity_id}/tracks`,
    );
  }
}

function newIdentity(state: ReviewState, id: string, origin: 'split' | 'move'): ReviewIdentity {
  const idn: ReviewIdentity = {
    identity_id: id,
    track_ids: [],
    faces: 0,
    thumb: '',
    cohesion: null,
    origin,
    cast_id: null,
    assigned_by: null,
    assigned_at: null,
  };
  state.identities.push(idn);
  state.next_identity = Math.max(state.next_identity, idNumber(id) + 1);
  return idn;
}

/** Moves tracks out of wherever they are; identities left empty are retired into `into`. */
function takeTracks(
  state: ReviewState,
  trackIds: readonly number[],
  into: string,
  kind: string,
  meta: EditMeta,
): void {
  const moving = new Set(trackIds);
  state.unclustered_track_ids = state.unclustered_track_ids.filter((t) => !moving.has(t));
  for (const idn of [...state.identities]) {
    const kept = idn.track_ids.filter((t) => !moving.has(t));
    if (kept.length === idn.track_ids.length) {
      continue;
    }
    idn.track_ids = kept;
    dropConflicts(state, [idn.identity_id]);
    if (kept.length === 0) {
      retire(state, idn.identity_id, kind, into, meta);
    } else {
      refresh(state, idn);
    }
  }
}

/**
 * Track that holds a detection of a `tracks.jsonl` track after the state's cuts: follows the cuts of the track
 * (latest first frame at or before `frameIdx`) down to the deepest one.
 * @param state - review state
 * @param trackId - track of the detection or face sample in the run's artifacts
 * @param frameIdx - its source-video frame index
 * @returns the track id that holds it now
 */
export function trackOfFrame(state: ReviewState, trackId: number, frameIdx: number): number {
  const cuts = Object.entries(state.track_cuts ?? {});
  let cur = trackId;
  for (;;) {
    let best: [number, number] | null = null;
    for (const [id, c] of cuts) {
      if (
        c.track_id === cur &&
        c.from_frame_idx <= frameIdx &&
        (!best || c.from_frame_idx > best[1])
      ) {
        best = [Number(id), c.from_frame_idx];
      }
    }
    if (!best) {
      return cur;
    }
    cur = best[0];
  }
}

/** Cuts one track in two: the tail becomes a new track in a new identity. */
function cutTrack(
  state: ReviewState,
  cut: Extract<Edit, { kind: 'cut_track' }>['cuts'][number],
): void {
  requireTracks(state, [cut.track_id]);
  const known = new Set([...identityOfTrack(state).keys(), ...state.unclustered_track_ids]);
  if (known.has(cut.new_track_id)) {
    throw new InputError(`Track ${cut.new_track_id} already exists: a cut needs a new track id`);
  }
  const holder = identityOfTrack(state).get(cut.track_id);
  state.track_cuts = {
    ...state.track_cuts,
    [String(cut.new_track_id)]: { track_id: cut.track_id, from_frame_idx: cut.from_frame_idx },
  };
  state.track_spans = {
    ...state.track_spans,
    [String(cut.track_id)]: [cut.head.first_ts, cut.head.last_ts],
    [String(cut.new_track_id)]: [cut.tail.first_ts, cut.tail.last_ts],
  };
  const thumbs = { ...state.track_thumbs };
  if (cut.head.thumb) {
    thumbs[String(cut.track_id)] = cut.head.thumb;
  }
  if (cut.tail.thumb) {
    thumbs[String(cut.new_track_id)] = cut.tail.thumb;
  }
  state.track_thumbs = thumbs;
  state.track_faces[String(cut.track_id)] = cut.head.faces;
  state.track_faces[String(cut.new_track_id)] = cut.tail.faces;
  const created = newIdentity(state, cut.to_identity_id, 'split');
  created.track_ids = [cut.new_track_id];
  refresh(state, created);
  if (holder) {
    refresh(state, holder);
    dropConflicts(state, [holder.identity_id]);
  }
}

/**
 * Applies one edit to a state.
 * @param state - the state before (not modified)
 * @param edit - the edit, with ids already chosen (see plan.ts)
 * @param meta - who and when
 * @returns the state after
 * @throws NotFoundError for an unknown identity or track; ConflictError for an identity an edit removed;
 *   InputError for an edit that makes no sense (merge into itself, split into nothing, ...)
 */
export function applyEdit(state: ReviewState, edit: Edit, meta: EditMeta): ReviewState {
  const next = structuredClone(state);
  switch (edit.kind) {
    case 'assign':
    case 'carry_over': {
      for (const a of edit.assignments) {
        const idn = requireIdentity(next, a.identity_id);
        Object.assign(idn, {
          cast_id: a.cast_id,
          assigned_by: meta.by,
          assigned_at: meta.at,
          assigned_tier: ('tier' in a ? a.tier : undefined) ?? null,
        });
      }
      if (edit.kind === 'assign') {
        dropConflicts(
          next,
          edit.assignments.map((a) => a.identity_id),
        );
        break;
      }
      for (const o of edit.overrides) {
        next.overrides[String(o.track_id)] = { cast_id: o.cast_id, ignore: o.ignore, ...meta };
      }
      next.excluded_faces = [...new Set([...next.excluded_faces, ...edit.excluded_faces])];
      next.conflicts = edit.conflicts;
      break;
    }
    case 'unassign':
      for (const id of edit.identity_ids) {
        Object.assign(requireIdentity(next, id), {
          cast_id: null,
          assigned_by: null,
          assigned_at: null,
          assigned_tier: null,
        });
      }
      dropConflicts(next, edit.identity_ids);
      break;
    case 'override':
      requireTracks(next, edit.track_ids);
      if (edit.cast_id === null && !edit.ignore) {
        throw new InputError('A track override needs a cast_id, or ignore: true for "not a face"');
      }
      for (const t of edit.track_ids) {
        next.overrides[String(t)] = {
          cast_id: edit.ignore ? null : edit.cast_id,
          ignore: edit.ignore,
          ...meta,
        };
      }
      break;
    case 'clear_override': {
      const missing = edit.track_ids.filter((t) => !next.overrides[String(t)]);
      if (missing.length > 0) {
        throw new InputError(`Track ${missing.join(', ')} has no override to clear`);
      }
      for (const t of edit.track_ids) {
        delete next.overrides[String(t)];
      }
      break;
    }
    case 'exclude_face': {
      requireTracks(next, [edit.track_id]);
      const key = `${edit.track_id}:${edit.frame_idx}`;
      const rest = next.excluded_faces.filter((k) => k !== key);
      next.excluded_faces = edit.excluded ? [...rest, key] : rest;
      break;
    }
    case 'merge': {
      if (edit.source_ids.includes(edit.target_id)) {
        throw new InputError(
          `Cannot merge ${edit.target_id} into itself: pick a target that is not among the sources`,
        );
      }
      const target = requireIdentity(next, edit.target_id);
      const sources = [...new Set(edit.source_ids)].map((id) => requireIdentity(next, id));
      for (const src of sources) {
        target.track_ids.push(...src.track_ids);
        retire(next, src.identity_id, 'merge', target.identity_id, meta);
      }
      refresh(next, target);
      dropConflicts(next, [target.identity_id, ...edit.source_ids]);
      break;
    }
    case 'move': {
      requireTracks(next, edit.track_ids);
      const target = edit.created
        ? newIdentity(next, edit.to_identity_id, 'move')
        : requireIdentity(next, edit.to_identity_id);
      const moving = edit.track_ids.filter((t) => !target.track_ids.includes(t));
      if (moving.length === 0) {
        throw new InputError(
          `Track ${edit.track_ids.join(', ')} is already in ${target.identity_id}`,
        );
      }
      takeTracks(next, moving, target.identity_id, 'move', meta);
      target.track_ids.push(...moving);
      refresh(next, target);
      dropConflicts(next, [target.identity_id]);
      break;
    }
    case 'split': {
      const source = requireIdentity(next, edit.identity_id);
      const own = new Set(source.track_ids);
      const all = edit.groups.flat();
      const foreign = all.filter((t) => !own.has(t));
      if (foreign.length > 0 || new Set(all).size !== all.length) {
        throw new InputError(
          `Split groups must be disjoint tracks of ${edit.identity_id}; ${foreign.length > 0 ? `not its tracks: ${foreign.join(', ')}` : 'a track is in two groups'}`,
        );
      }
      if (all.length >= own.size) {
        throw new InputError(`Split of ${edit.identity_id} must leave at least one track in it`);
      }
      edit.groups.forEach((group, k) => {
        const created = newIdentity(next, edit.new_ids[k]!, 'split');
        takeTracks(next, group, created.identity_id, 'split', meta);
        created.track_ids = [...group];
        refresh(next, created);
      });
      break;
    }
    case 'cut_track':
      for (const cut of edit.cuts) {
        cutTrack(next, cut);
      }
      break;
    case 'undo':
      throw new InputError('An undo is applied by replaying the edits before it, not on a state');
  }
  return next;
}
