/**
 * @module Cached results of review computations: the last similarity refresh and auto-group proposal of a review,
 * and per-episode centroids of each cast member (what suggestions in later episodes of the show compare with).
 */
import type { EpisodeId } from '../../types.ts';
import type { Db } from './open.ts';

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
 * Effects (one transaction): upserts `review_results(review_id, kind)`.
 * Errors: none beyond SQLite's (foreign key).
 */
export function saveReviewResult(
  db: Db,
  reviewId: number,
  kind: ReviewResultKind,
  version: number,
  result: unknown,
  now: Date = new Date(),
): ReviewResult {
  const row = { version, computed_at: now.toISOString(), result };
  db.prepare(
    `INSERT INTO review_results (review_id, kind, version, computed_at, result) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (review_id, kind) DO UPDATE SET version = excluded.version,
       computed_at = excluded.computed_at, result = excluded.result`,
  ).run(reviewId, kind, version, row.computed_at, JSON.stringify(result));
  return row;
}

/**
 * @returns the stored result of the review, or null
 */
export function getReviewResult(
  db: Db,
  reviewId: number,
  kind: ReviewResultKind,
): ReviewResult | null {
  const row = db
    .prepare(
      'SELECT version, computed_at, result FROM review_results WHERE review_id = ? AND kind = ?',
    )
    .get(reviewId, kind) as { version: number; computed_at: string; result: string } | undefined;
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
 * Errors: none beyond SQLite's.
 */
export function saveCastCentroids(
  db: Db,
  showId: string,
  epId: EpisodeId,
  rows: readonly Omit<CastCentroid, 'ep_id'>[],
  now: Date = new Date(),
): void {
  db.transaction(() => {
    db.prepare('DELETE FROM cast_centroids WHERE show_id = ? AND ep_id = ?').run(showId, epId);
    const insert = db.prepare(
      `INSERT INTO cast_centroids (show_id, cast_id, ep_id, review_id, version, faces, centroid, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of rows) {
      insert.run(
        showId,
        r.cast_id,
        epId,
        r.review_id,
        r.version,
        r.faces,
        toBlob(r.centroid),
        now.toISOString(),
      );
    }
  }).immediate();
}

/**
 * @returns the stored cast centroids of the show's episodes
 */
export function listCastCentroids(db: Db, showId: string): CastCentroid[] {
  const rows = db
    .prepare(
      'SELECT cast_id, ep_id, review_id, version, faces, centroid FROM cast_centroids WHERE show_id = ?',
    )
    .all(showId) as (Omit<CastCentroid, 'centroid'> & { centroid: Buffer })[];
  return rows.map((r) => ({ ...r, centroid: fromBlob(r.centroid) }));
}
