/**
 * @module The facebank in the database: per show and cast member, reference face embeddings with a small image
 * each (an uploaded photo's thumbnail, or an exported face sample's aligned crop).
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../errors.ts';
import type { BBox } from '../../types.ts';
import type { Db } from './open.ts';
import { fromBlob } from './review-results.repo.ts';

/** Where a facebank image came from. */
export type FacebankSource = 'upload' | 'identity';

/** A facebank image, without its bytes. */
export interface FacebankImage {
  /** Image id (`fb-` + UUID). */
  image_id: string;
  /** Show id. */
  show_id: string;
  /** Cast member. */
  cast_id: string;
  /** Uploaded photo, or a face sample exported from a reviewed identity. */
  source: FacebankSource;
  /** Uploaded file name, or null. */
  file_name: string | null;
  /** Episode, run, identity, track and source-video frame index of an exported sample; null for uploads. */
  ep_id: string | null;
  /** Run of an exported sample. */
  run_id: string | null;
  /** Identity of an exported sample. */
  identity_id: string | null;
  /** Track of an exported sample. */
  track_id: number | null;
  /** Source-video frame index of an exported sample. */
  frame_idx: number | null;
  /** Face box in the uploaded image's pixels, or null. */
  bbox: BBox | null;
  /** Detector score of the face (upload) or quality of the sample (export), or null. */
  score: number | null;
  /** Embedding length. */
  dim: number;
  /** MIME type of the stored image (`image/webp`, `image/jpeg`). */
  thumb_type: string;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Reviewer who added it. */
  created_by: string;
}

/** A new facebank image with its bytes. */
export type NewFacebankImage = Omit<FacebankImage, 'image_id' | 'created_at' | 'dim'> & {
  /** L2-normalised embedding (length = embedder dim). */
  embedding: Float32Array;
  /** Image bytes of `thumb_type`. */
  thumb: Buffer;
};

const COLUMNS =
  'image_id, show_id, cast_id, source, file_name, ep_id, run_id, identity_id, track_id, frame_idx, bbox, score, dim, thumb_type, created_at, created_by';

function fromRow(row: unknown): FacebankImage {
  const r = row as Omit<FacebankImage, 'bbox'> & { bbox: string | null };
  return { ...r, bbox: r.bbox === null ? null : (JSON.parse(r.bbox) as BBox) };
}

/**
 * Adds images to the facebank.
 *
 * Preconditions: the cast member exists.
 * Effects (one transaction): inserts one row per image.
 * Errors: none beyond SQLite's (foreign key to the cast member).
 * @returns the stored images
 */
export function insertFacebankImages(
  db: Db,
  images: readonly NewFacebankImage[],
  now: Date = new Date(),
): FacebankImage[] {
  const insert = db.prepare(
    `INSERT INTO facebank_images (${COLUMNS}, embedding, thumb) VALUES (@image_id, @show_id, @cast_id, @source,
       @file_name, @ep_id, @run_id, @identity_id, @track_id, @frame_idx, @bbox, @score, @dim, @thumb_type,
       @created_at, @created_by, @embedding, @thumb) RETURNING ${COLUMNS}`,
  );
  return db
    .transaction(() =>
      images.map((img) =>
        fromRow(
          insert.get({
            ...img,
            image_id: `fb-${randomUUID()}`,
            bbox: img.bbox ? JSON.stringify(img.bbox) : null,
            dim: img.embedding.length,
            created_at: now.toISOString(),
            embedding: Buffer.from(
              img.embedding.buffer,
              img.embedding.byteOffset,
              img.embedding.byteLength,
            ),
          }),
        ),
      ),
    )
    .immediate();
}

/**
 * @param db - open database
 * @param showId - show id
 * @param castId - only this cast member's images (default: the whole show's)
 * @returns the images, oldest first, without bytes
 */
export function listFacebankImages(db: Db, showId: string, castId?: string): FacebankImage[] {
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM facebank_images WHERE show_id = ? AND (? IS NULL OR cast_id = ?) ORDER BY created_at, image_id`,
    )
    .all(showId, castId ?? null, castId ?? null)
    .map(fromRow);
}

/**
 * @returns every embedding of the show's facebank with its cast member
 */
export function facebankEmbeddings(
  db: Db,
  showId: string,
): { image_id: string; cast_id: string; embedding: Float32Array }[] {
  const rows = db
    .prepare('SELECT image_id, cast_id, embedding FROM facebank_images WHERE show_id = ?')
    .all(showId) as { image_id: string; cast_id: string; embedding: Buffer }[];
  return rows.map((r) => ({ ...r, embedding: fromBlob(r.embedding) }));
}

/**
 * @returns the image's bytes and MIME type
 * @throws NotFoundError (`NOT_FOUND`) when the show has no such image
 */
export function getFacebankThumb(
  db: Db,
  showId: string,
  imageId: string,
): { thumb: Buffer; thumb_type: string; created_at: string } {
  const row = db
    .prepare(
      'SELECT thumb, thumb_type, created_at FROM facebank_images WHERE show_id = ? AND image_id = ?',
    )
    .get(showId, imageId) as { thumb: Buffer; thumb_type: string; created_at: string } | undefined;
  if (!row) {
    throw new NotFoundError(
      `Facebank image ${imageId} does not exist in show ${showId}: list them with GET /shows/${showId}/cast/{cast_id}/facebank`,
    );
  }
  return row;
}

/**
 * Deletes a facebank image.
 *
 * Preconditions: the image belongs to the cast member.
 * Effects (one transaction): deletes the row.
 * Errors: NotFoundError (`NOT_FOUND`) when it does not exist.
 */
export function deleteFacebankImage(db: Db, showId: string, castId: string, imageId: string): void {
  const { changes } = db
    .prepare('DELETE FROM facebank_images WHERE show_id = ? AND cast_id = ? AND image_id = ?')
    .run(showId, castId, imageId);
  if (changes === 0) {
    throw new NotFoundError(
      `Facebank image ${imageId} of ${castId} does not exist: list them with GET /shows/${showId}/cast/${castId}/facebank`,
    );
  }
}

/**
 * @returns per cast member of the show, its number of facebank images
 */
export function countFacebankImages(db: Db, showId: string): Map<string, number> {
  const rows = db
    .prepare(
      'SELECT cast_id, COUNT(*) AS n FROM facebank_images WHERE show_id = ? GROUP BY cast_id',
    )
    .all(showId) as { cast_id: string; n: number }[];
  return new Map(rows.map((r) => [r.cast_id, r.n]));
}
