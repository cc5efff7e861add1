/**
 * @module Suggestions: for an identity, the show's active cast members ranked by cosine similarity of its centroid
 * to their references (nearest reference wins): identities already assigned to them in this episode, their
 * centroids in earlier episodes of the show, and their facebank images. Tiers come from `config.review.tiers`.
 */
import type { Config } from '../config/index.ts';
import {
  facebankEmbeddings,
  getEpisode,
  latestEditedReview,
  listCastCentroids,
  listCastMembers,
  listEpisodes,
  runPaths,
  saveCastCentroids,
  type CastMember,
} from '../store/index.ts';
import { castCentroids, dot, meanCentroid, trackCentroids, type Centroid } from './centroids.ts';
import { resolveTracks } from './resolve.ts';
import type { OpenReview, ReviewDeps } from './session.ts';
import type { ReviewState } from './state.ts';

/** Suggestion tiers, most confident first. */
export const TIERS = ['auto', 'high', 'medium', 'low'] as const;

/** A suggestion tier. */
export type Tier = (typeof TIERS)[number];

/** Where a cast member's best reference comes from. */
export type ReferenceSource = 'episode' | 'show' | 'facebank';

/** A reference vector of a cast member. */
export interface Reference {
  /** Cast member. */
  cast_id: string;
  /** Unit vector. */
  vector: Float32Array;
  /** Where it comes from. */
  source: ReferenceSource;
  /** The identity of this episode it is the centroid of (source `episode`). */
  identity_id?: string;
}

/** One ranked cast member for an identity. */
export interface Suggestion {
  /** Cast member. */
  cast_id: string;
  /** Its name. */
  name: string;
  /** Cosine similarity to its nearest reference, in [-1, 1]. */
  similarity: number;
  /** Tier. */
  tier: Tier;
  /** Where the nearest reference comes from. */
  source: ReferenceSource;
}

/**
 * Ranks cast members for one centroid.
 * @param centroid - unit vector of the identity
 * @param refs - references of the show's active cast members
 * @param cast - cast members by id (names)
 * @param review - `config.review` (tiers, auto margin, suggestions per identity)
 * @returns at most `review.suggestions_per_identity` suggestions, most similar first
 */
export function rankCast(
  centroid: ArrayLike<number>,
  refs: readonly Reference[],
  cast: ReadonlyMap<string, CastMember>,
  review: Config['review'],
): Suggestion[] {
  const best = new Map<string, { similarity: number; source: ReferenceSource }>();
  for (const ref of refs) {
    const similarity = dot(centroid, ref.vector);
    if (cast.has(ref.cast_id) && similarity > (best.get(ref.cast_id)?.similarity ?? -Infinity)) {
      best.set(ref.cast_id, { similarity, source: ref.source });
    }
  }
  const ranked = [...best].sort((a, b) => b[1].similarity - a[1].similarity);
  return ranked.slice(0, review.suggestions_per_identity).map(([castId, b], k) => ({
    cast_id: castId,
    name: cast.get(castId)!.name,
    similarity: Math.round(b.similarity * 1e4) / 1e4,
    tier: tierOf(b.similarity, k === 0 ? (ranked[1]?.[1].similarity ?? -1) : null, review),
    source: b.source,
  }));
}

/**
 * @param similarity - cosine similarity of the suggestion
 * @param nextSimilarity - for the top suggestion, the runner-up's similarity (-1 when alone); null for the others
 * @param review - `config.review`: only a top suggestion at least `tiers.auto` and `auto_margin` ahead is `auto`
 */
function tierOf(similarity: number, nextSimilarity: number | null, review: Config['review']): Tier {
  const { tiers } = review;
  if (
    similarity >= tiers.auto &&
    nextSimilarity !== null &&
    similarity - nextSimilarity >= review.auto_margin
  ) {
    return 'auto';
  }
  return similarity >= tiers.high ? 'high' : similarity >= tiers.medium ? 'medium' : 'low';
}

/** Per assigned identity of the state, the centroid of its tracks that resolve to its cast member. */
function episodeReferences(state: ReviewState, tracks: ReadonlyMap<number, Centroid>): Reference[] {
  const res = resolveTracks(state);
  return state.identities.flatMap((idn) => {
    const parts = idn.track_ids
      .filter((t) => idn.cast_id !== null && res.get(t)?.cast_id === idn.cast_id)
      .flatMap((t) => tracks.get(t) ?? []);
    const mean = meanCentroid(parts);
    return mean
      ? [
          {
            cast_id: idn.cast_id!,
            vector: mean.vector,
            source: 'episode' as const,
            identity_id: idn.identity_id,
          },
        ]
      : [];
  });
}

/**
 * Cast centroids of the show's episodes before `epId` (season, episode order), from each one's newest reviewed
 * clustering; recomputed and stored when the stored ones are older than that review.
 */
async function showReferences(
  deps: ReviewDeps,
  showId: string,
  epId: string,
): Promise<Reference[]> {
  const current = (await getEpisode(deps.db, epId))!;
  const stored = await listCastCentroids(deps.db, showId);
  const earlier = (await listEpisodes(deps.db, { showId })).filter(
    (e) =>
      e.season < current.season || (e.season === current.season && e.episode < current.episode),
  );
  const refs: Reference[] = [];
  for (const ep of earlier) {
    const review = await latestEditedReview(deps.db, ep.ep_id, -1);
    if (!review) {
      continue;
    }
    let rows = stored.filter(
      (c) =>
        c.ep_id === ep.ep_id && c.review_id === review.review_id && c.version === review.version,
    );
    if (rows.length === 0) {
      const state = JSON.parse(review.state) as ReviewState;
      const paths = runPaths(deps.config.data_dir, ep.ep_id, review.run_id);
      const centroids = castCentroids(state, trackCentroids(paths, state));
      const fresh = [...centroids].map(([castId, c]) => ({
        cast_id: castId,
        review_id: review.review_id,
        version: review.version,
        faces: c.faces,
        centroid: c.vector,
      }));
      await saveCastCentroids(deps.db, showId, ep.ep_id, fresh);
      rows = fresh.map((r) => ({ ...r, ep_id: ep.ep_id }));
    }
    refs.push(
      ...rows.map((r) => ({ cast_id: r.cast_id, vector: r.centroid, source: 'show' as const })),
    );
  }
  return refs;
}

/** What suggestions for one review compare with. */
export interface SuggestionContext {
  /** References of every cast member. */
  refs: Reference[];
  /** Active cast members of the show by id. */
  cast: Map<string, CastMember>;
  /** Track centroids of the run. */
  tracks: Map<number, Centroid>;
}

/**
 * Gathers the references of an opened review: this episode's assigned identities, earlier episodes' cast centroids
 * and the show's facebank.
 * @throws NotFoundError when the run's tracks.jsonl (or embeddings, with excluded samples) is missing
 */
export async function suggestionContext(
  deps: ReviewDeps,
  opened: OpenReview,
): Promise<SuggestionContext> {
  const tracks = trackCentroids(opened.paths, opened.state);
  const cast = new Map(
    (await listCastMembers(deps.db, opened.showId, { status: 'active' })).items.map((c) => [
      c.cast_id,
      c,
    ]),
  );
  const refs = [
    ...episodeReferences(opened.state, tracks),
    ...(await showReferences(deps, opened.showId, opened.epId)),
    ...(await facebankEmbeddings(deps.db, opened.showId)).map((f) => ({
      cast_id: f.cast_id,
      vector: f.embedding,
      source: 'facebank' as const,
    })),
  ];
  return { refs, cast, tracks };
}
