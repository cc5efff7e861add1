/**
 * @module The facebank in the database: per show and cast member, reference face embeddings with a small image
 * each (an uploaded photo's thumbnail, or an exported face sample's aligned crop).
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../errors.ts';
import type { BBox } from '../../types.ts';
import { transact, type Db } from './open.ts';
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

/** Every column but the bytes (`embedding`, `thumb`). */
const COLUMNS = [
  'image_id',
  'show_id',
  'cast_id',
  'source',
  'file_name',
  'ep_id',
  'run_id',
  'identity_id',
  'track_id',
  'frame_idx',
  'bbox',
  'score',
  'dim',
  'thumb_type',
  'created_at',
  'created_by',
] as const;

function fromRow(row: unknown): FacebankImage {
  const r = row as Omit<FacebankImage, 'bbox'> & { bbox: string | null };
  return { ...r, bbox: r.bbox === null ? null : (JSON.parse(r.bbox) as BBox) };
}

/**
 * Adds images to the facebank.
 *
 * Preconditions: the cast member exists.
 * Effects (one transaction): inserts one row per image.
 * Errors: none beyond the database's (foreign key to the cast member).
 * @returns the stored images
 */
export async function insertFacebankImages(
  db: Db,
  images: readonly NewFacebankImage[],
  now: Date = new Date(),
): Promise<FacebankImage[]> {
  return transact(db, async (tx) => {
    const stored: FacebankImage[] = [];
    for (const img of images) {
      const row = await tx.q
        .insertInto('facebank_images')
        .values({
          image_id: `fb-${randomUUID()}`,
          show_id: img.show_id,
          cast_id: img.cast_id,
          source: img.source,
          file_name: img.file_name,
          ep_id: img.ep_id,
          run_id: img.run_id,
          identity_id: img.identity_id,
          track_id: img.track_id,
          frame_idx: img.frame_idx,
          bbox: img.bbox ? JSON.stringify(img.bbox) : null,
          score: img.score,
          dim: img.embedding.length,
          thumb_type: img.thumb_type,
          created_at: now.toISOString(),
          created_by: img.created_by,
          embedding: Buffer.from(
            img.embedding.buffer,
            img.embedding.byteOffset,
            img.embedding.byteLength,
          ),
          thumb: img.thumb,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      stored.push(fromRow(row));
    }
    return stored;
  });
}

/**
 * @param db - open database
 * @param showId - show id
 * @param castId - only this cast member's images (default: the whole show's)
 * @returns the images, oldest first, without bytes
 */
export async function listFacebankImages(
  db: Db,
  showId: string,
  castId?: string,
): Promise<FacebankImage[]> {
  let query = db.q.selectFrom('facebank_images').select(COLUMNS).where('show_id', '=', showId);
  if (castId !== undefined) {
    query = query.where('cast_id', '=', castId);
  }
  return (await query.orderBy('created_at').orderBy('image_id').execute()).map(fromRow);
}

/**
 * @returns every embedding of the show's facebank with its cast member
 */
export async function facebankEmbeddings(
  db: Db,
  showId: string,
): Promise<{ image_id: string; cast_id: string; embedding: Float32Array }[]> {
  const rows = await db.q
    .selectFrom('facebank_images')
    .select(['image_id', 'cast_id', 'embedding'])
    .where('show_id', '=', showId)
    .orderBy('created_at')
    .orderBy('image_id')
    .execute();
  return rows.map((r) => ({ ...r, embedding: fromBlob(r.embedding) }));
}

/**
 * @returns the image's bytes and MIME type
 * @throws NotFoundError (`NOT_FOUND`) when the show has no such image
 */
export async function getFacebankThumb(
  db: Db,
  showId: string,
  imageId: string,
): Promise<{ thumb: Buffer; thumb_type: string; created_at: string }> {
  const row = await db.q
    .selectFrom('facebank_images')
    .select(['thumb', 'thumb_type', 'created_at'])
    .where('show_id', '=', showId)
    .where('image_id', '=', imageId)
    .executeTakeFirst();
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
 * Effects (one statement): deletes the row.
 * Errors: NotFoundError (`NOT_FOUND`) when it does not exist.
 */
export async function deleteFacebankImage(
  db: Db,
  showId: string,
  castId: string,
  imageId: string,
): Promise<void> {
  const { numDeletedRows } = await db.q
    .deleteFrom('facebank_images')
    .where('show_id', '=', showId)
    .where('cast_id', '=', castId)
    .where('image_id', '=', imageId)
    .executeTakeFirstOrThrow();
  if (numDeletedRows === 0n) {
    throw new NotFoundError(
      `Facebank image ${imageId} of ${castId} does not exist: list them with GET /shows/${showId}/cast/${castId}/facebank`,
    );
  }
}

/**
 * @returns per cast member of the show, its number of facebank images
 */
export async function countFacebankImages(db: Db, showId: string): Promise<Map<string, number>> {
  const rows = await db.q
    .selectFrom('facebank_images')
    .select((eb) => ['cast_id', eb.fn.countAll<number>().as('n')])
    .where('show_id', '=', showId)
    .groupBy('cast_id')
    .execute();
  return new Map(rows.map((r) => [r.cast_id, r.n]));
}
