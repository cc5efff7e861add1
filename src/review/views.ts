/**
 * @module What the review pages read: the summary of a review, identities with their cast member, the tracks of
 * an identity, the face samples of a track, the edit log, and fresh suggestions for one identity. Image fields
 * are paths relative to the run folder; the API turns them into URLs.
 */
import { NotFoundError } from '../errors.ts';
import { listCastMembers, listEdits, type EditRow } from '../store/index.ts';
import { requireIdentity, trackOfFrame } from './apply.ts';
import { identityCentroids } from './centroids.ts';
import { pageOf, resolvePage, type Page, type PageRequest } from './paging.ts';
import { resolveTracks } from './resolve.ts';
import { readRunFaces, readRunTracks } from './run-data.ts';
import { openReview, type ReviewDeps, type ReviewTarget } from './session.ts';
import type { CarryConflict, ReviewIdentity, TrackOverride } from './state.ts';
import { rankCast, suggestionContext, type Suggestion } from './suggestions.ts';

/** Filter of identity listings. */
export type IdentityFilter = 'all' | 'assigned' | 'unassigned';

/** An identity as listed. */
export interface IdentityView extends ReviewIdentity {
  /** Number of tracks. */
  tracks: number;
  /** Name of the assigned cast member, or null. */
  name: string | null;
}

/** A track as listed. */
export interface TrackView {
  /** Track id. */
  track_id: number;
  /** Identity holding it, or null. */
  identity_id: string | null;
  /** Time of its first detection, seconds. */
  first_ts: number;
  /** Time of its last detection, seconds. */
  last_ts: number;
  /** Embedded face samples. */
  faces: number;
  /** Thumbnail relative to the run folder. */
  thumb: string;
  /** Its override, or null. */
  override: Pick<TrackOverride, 'cast_id' | 'ignore' | 'by' | 'at'> | null;
  /** Cast member it resolves to (override before identity), or null. */
  cast_id: string | null;
  /** That cast member's name. */
  name: string | null;
}

/** Common fields of review answers. */
interface Versioned {
  /** Episode id. */
  ep_id: string;
  /** Run id. */
  run_id: string;
  /** Review version. */
  version: number;
}

async function castNames(deps: ReviewDeps, showId: string): Promise<Map<string, string>> {
  return new Map((await listCastMembers(deps.db, showId)).items.map((c) => [c.cast_id, c.name]));
}

/**
 * @returns the review's counts, conflicts and where its work was carried from
 */
export async function reviewSummary(
  deps: ReviewDeps,
  target: ReviewTarget,
): Promise<
  Versioned & {
    show_id: string;
    identities: number;
    assigned: number;
    unassigned: number;
    conflicts: CarryConflict[];
    carried_over_from: { review_id: number } | null;
    updated_at: string;
  }
> {
  const { epId, runId, showId, review, state } = await openReview(deps, target);
  const assigned = state.identities.filter((i) => i.cast_id).length;
  return {
    ep_id: epId,
    run_id: runId,
    version: review.version,
    show_id: showId,
    identities: state.identities.length,
    assigned,
    unassigned: state.identities.length - assigned,
    conflicts: state.conflicts,
    carried_over_from: review.carried_from === null ? null : { review_id: review.carried_from },
    updated_at: review.updated_at,
  };
}

/**
 * @returns one page of the effective identities (by id), filtered by assignment or cast member
 */
export async function listIdentities(
  deps: ReviewDeps,
  target: ReviewTarget,
  query: PageRequest & { filter?: IdentityFilter; castId?: string },
): Promise<Versioned & Page<IdentityView>> {
  const { epId, runId, showId, review, state } = await openReview(deps, target);
  const names = await castNames(deps, showId);
  const rows = state.identities
    .filter((i) =>
      query.filter === 'assigned' ? i.cast_id : query.filter === 'unassigned' ? !i.cast_id : true,
    )
    .filter((i) => query.castId === undefined || i.cast_id === query.castId)
    .sort((a, b) => a.identity_id.localeCompare(b.identity_id))
    .map((i) => ({
      ...i,
      tracks: i.track_ids.length,
      name: i.cast_id ? (names.get(i.cast_id) ?? null) : null,
    }));
  return {
    ep_id: epId,
    run_id: runId,
    version: review.version,
    ...pageOf(rows, deps.config.review, query),
  };
}

/**
 * @returns one identity with its cast member's name
 * @throws NotFoundError / ConflictError for an identity the review does not have
 */
export async function getIdentity(
  deps: ReviewDeps,
  target: ReviewTarget,
  identityId: string,
): Promise<Versioned & IdentityView> {
  const { epId, runId, showId, review, state } = await openReview(deps, target);
  const idn = requireIdentity(state, identityId);
  const name = idn.cast_id ? ((await castNames(deps, showId)).get(idn.cast_id) ?? null) : null;
  return {
    ep_id: epId,
    run_id: runId,
    version: review.version,
    ...idn,
    tracks: idn.track_ids.length,
    name,
  };
}

/**
 * @returns one page of an identity's tracks (by time), with overrides and the cast member each resolves to
 * @throws NotFoundError / ConflictError for an identity the review does not have
 */
export async function listIdentityTracks(
  deps: ReviewDeps,
  target: ReviewTarget,
  identityId: string,
  query: PageRequest,
): Promise<Versioned & Page<TrackView>> {
  const { epId, runId, showId, review, state, paths } = await openReview(deps, target);
  const idn = requireIdentity(state, identityId);
  const tracks = readRunTracks(paths);
  const res = resolveTracks(state);
  const names = await castNames(deps, showId);
  const rows = idn.track_ids
    .map((t): TrackView => {
      const info = tracks.get(t);
      const o = state.overrides[String(t)];
      const castId = res.get(t)?.cast_id ?? null;
      return {
        track_id: t,
        identity_id: identityId,
        first_ts: state.track_spans?.[String(t)]?.[0] ?? info?.first_ts ?? 0,
        last_ts: state.track_spans?.[String(t)]?.[1] ?? info?.last_ts ?? 0,
        faces: state.track_faces[String(t)] ?? info?.faces ?? 0,
        thumb: state.track_thumbs?.[String(t)] ?? `thumbs/${t}.webp`,
        override: o ? { cast_id: o.cast_id, ignore: o.ignore, by: o.by, at: o.at } : null,
        cast_id: castId,
        name: castId ? (names.get(castId) ?? null) : null,
      };
    })
    .sort((a, b) => a.first_ts - b.first_ts);
  return {
    ep_id: epId,
    run_id: runId,
    version: review.version,
    ...pageOf(rows, deps.config.review, query),
  };
}

/** A face sample as listed. */
export interface FaceView {
  /** Track id. */
  track_id: number;
  /** Source-video frame index. */
  frame_idx: number;
  /** Time, seconds. */
  ts: number;
  /** Quality used to pick samples. */
  quality: number;
  /** Aligned crop relative to the run folder. */
  crop: string;
  /** Embedded (else a candidate that was not chosen or too small). */
  embedded: boolean;
  /** Excluded by a reviewer. */
  excluded: boolean;
}

/**
 * @returns the face samples of a track (after cuts: those from its first frame on; `track_id` stays the one of
 *   `faces.jsonl`, which excluding a sample names), by time
 * @throws NotFoundError when the run has no such track
 */
export async function listTrackFaces(
  deps: ReviewDeps,
  target: ReviewTarget,
  trackId: number,
): Promise<Versioned & { track_id: number; items: FaceView[] }> {
  const { epId, runId, review, state, paths } = await openReview(deps, target);
  if (!readRunTracks(paths).has(trackId) && !state.track_cuts?.[String(trackId)]) {
    throw new NotFoundError(`Track ${trackId} is not a track of run ${runId} of ${epId}`);
  }
  const excluded = new Set(state.excluded_faces);
  const items = readRunFaces(paths)
    .filter((f) => trackOfFrame(state, f.track_id, f.frame_idx) === trackId)
    .map((f) => ({
      track_id: f.track_id,
      frame_idx: f.frame_idx,
      ts: f.ts,
      quality: f.quality,
      crop: f.crop,
      embedded: f.embedding_row !== null,
      excluded: excluded.has(`${f.track_id}:${f.frame_idx}`),
    }))
    .sort((a, b) => a.ts - b.ts);
  return { ep_id: epId, run_id: runId, version: review.version, track_id: trackId, items };
}

/**
 * @returns one page of the edit log, newest first
 */
export async function listEditLog(
  deps: ReviewDeps,
  target: ReviewTarget,
  query: PageRequest,
): Promise<Versioned & Page<EditRow>> {
  const { epId, runId, review } = await openReview(deps, target);
  const { page, pageSize, limit, offset } = resolvePage(deps.config.review, query);
  const { items, total } = await listEdits(deps.db, review.review_id, { limit, offset });
  return {
    ep_id: epId,
    run_id: runId,
    version: review.version,
    items,
    page,
    page_size: pageSize,
    total,
  };
}

/**
 * @returns the cast members ranked for one identity, computed now
 * @throws NotFoundError / ConflictError for an identity the review does not have
 */
export async function identitySuggestions(
  deps: ReviewDeps,
  target: ReviewTarget,
  identityId: string,
): Promise<
  Versioned & { identity_id: string; cohesion: number | null; suggestions: Suggestion[] }
> {
  const opened = await openReview(deps, target);
  requireIdentity(opened.state, identityId);
  const ctx = await suggestionContext(deps, opened);
  const own = identityCentroids(opened.state, ctx.tracks).get(identityId);
  const refs = ctx.refs.filter((r) => r.identity_id !== identityId);
  return {
    ep_id: opened.epId,
    run_id: opened.runId,
    version: opened.review.version,
    identity_id: identityId,
    cohesion: own?.cohesion ?? null,
    suggestions: own ? rankCast(own.vector, refs, ctx.cast, deps.config.review) : [],
  };
}
