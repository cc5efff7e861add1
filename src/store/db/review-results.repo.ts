/**
 * @module Cached results of review computations: the last similarity refresh and auto-group proposal of a review,
 * and per-episode centroids of each cast member (what suggestions in later episodes of the show compare with).
 */
import type { EpisodeId } from '../../types.ts';
import { transact, type Db } from './open.ts';

/** Kinds of stored review results. */
export type ReviewResultKind = 'similarity' | 'groups';

/** A stored result. */
export interface ReviewResult {
  /** Review version it was computed at. */
  version: number;
  /** When, ISO 8601 UTC. */
  computed_at: string;
  /** The result (shape per kind, src/review). */
  result: unknown;
}

/** A cast member's centroid in one episode. */
export interface CastCentroid {
  /** Cast id. */
  cast_id: string;
  /** Episode it comes from. */
  ep_id: EpisodeId;
  /** Review and version it was computed from. */
  review_id: number;
  /** Review version. */
  version: number;
  /** Face samples behind it. */
  faces: number;
  /** L2-normalised centroid (length = embedding dim). */
  centroid: Float32Array;
}

/**
 * Stores (replacing) a result of a review.
 *
 * Preconditions: the review exists.
 * Effects (one statement): upserts `review_results(review_id, kind)`.
 * Errors: none beyond the database's (foreign key).
 */
export async function saveReviewResult(
  db: Db,
  reviewId: number,
  kind: ReviewResultKind,
  version: number,
  result: unknown,
  now: Date = new Date(),
): Promise<ReviewResult> {
  const row = { version, computed_at: now.toISOString(), result };
  await db.q
    .insertInto('review_results')
    .values({
      review_id: reviewId,
      kind,
      version,
      computed_at: row.computed_at,
      result: JSON.stringify(result),
    })
    .onConflict((oc) =>
      oc.columns(['review_id', 'kind']).doUpdateSet((eb) => ({
        version: eb.ref('excluded.version'),
        computed_at: eb.ref('excluded.computed_at'),
        result: eb.ref('excluded.result'),
      })),
    )
    .execute();
  return row;
}

/**
 * @returns the stored result of the review, or null
 */
export async function getReviewResult(
  db: Db,
  reviewId: number,
  kind: ReviewResultKind,
): Promise<ReviewResult | null> {
  const row = await db.q
    .selectFrom('review_results')
    .select(['version', 'computed_at', 'result'])
    .where('review_id', '=', reviewId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row ? { ...row, result: JSON.parse(row.result) as unknown } : null;
}

function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * @param blob - float32 little-endian bytes
 * @returns a copy as Float32Array
 */
export function fromBlob(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = blob.readFloatLE(i * 4);
  }
  return out;
}

/**
 * Replaces the cast centroids of one episode.
 *
 * Preconditions: the episode and review exist.
 * Effects (one transaction): deletes the episode's rows of the show, inserts `rows`.
 * Errors: none beyond the database's.
 */
export async function saveCastCentroids(
  db: Db,
  showId: string,
  epId: EpisodeId,
  rows: readonly Omit<CastCentroid, 'ep_id'>[],
  now: Date = new Date(),
): Promise<void> {
  await transact(db, async (tx) => {
    await tx.q
      .deleteFrom('cast_centroids')
      .where('show_id', '=', showId)
      .where('ep_id', '=', epId)
      .execute();
    if (rows.length > 0) {
      await tx.q
        .insertInto('cast_centroids')
        .values(
          rows.map((r) => ({
            show_id: showId,
            cast_id: r.cast_id,
            ep_id: epId,
            review_id: r.review_id,
            version: r.version,
            faces: r.faces,
            centroid: toBlob(r.centroid),
            updated_at: now.toISOString(),
          })),
        )
        .execute();
    }
  });
}

/**
 * @returns the stored cast centroids of the show's episodes
 */
export async function listCastCentroids(db: Db, showId: string): Promise<CastCentroid[]> {
  const rows = await db.q
    .selectFrom('cast_centroids')
    .select(['cast_id', 'ep_id', 'review_id', 'version', 'faces', 'centroid'])
    .where('show_id', '=', showId)
    .orderBy('ep_id')
    .orderBy('cast_id')
    .execute();
  return rows.map((r) => ({ ...r, centroid: fromBlob(r.centroid) }));
}
