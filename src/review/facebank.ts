/**
 * @module The facebank of a show: reference images of cast members, embedded by the pipeline's own models (the
 * caller passes them in, so this layer stays below pipeline/), and a reviewed identity's best face samples
 * exported into it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { cropRgb, decodeImageFile, encodeWebp, readImageSize } from '../media/index.ts';
import {
  insertFacebankImages,
  listFacebankImages,
  requireCastMember,
  type FacebankImage,
} from '../store/index.ts';
import type { BBox } from '../types.ts';
import { requireIdentity } from './apply.ts';
import { resolveTracks } from './resolve.ts';
import { readRunEmbeddings, readRunFaces, readRunTracks } from './run-data.ts';
import { openReview, type ReviewDeps, type ReviewTarget } from './session.ts';

/** Detects, aligns and embeds the largest face of image files (the pipeline's FaceImageEmbedder fits). */
export interface FaceFileEmbedder {
  /**
   * @param paths - image files
   * @returns per file: its embedding (unit vector) and face box, or a null embedding and why
   */
  embedFiles(paths: readonly string[]): Promise<
    {
      embedding: Float32Array | null;
      bbox: BBox | null;
      score: number | null;
      reason: 'no_face' | 'too_small' | null;
    }[]
  >;
}

/** Share of the face box added on each side of an uploaded image's thumbnail. */
const THUMB_MARGIN = 0.25;

/**
 * Adds an uploaded reference image of a cast member to the facebank.
 * @param deps - config (`review.facebank_thumb_px`, `faces.thumb_webp_quality`, `faces.min_face_px`) and database
 * @param embedder - face embedder of the configured models
 * @param showId - show id
 * @param castId - cast member
 * @param file - the saved upload and its original name
 * @param reviewer - who added it
 * @returns the stored facebank image
 * @throws NotFoundError for an unknown cast member; InputError when the file is not an image, has more pixels than
 *   `api.image_max_pixels` (read from its header, before any decoding), or has no face (or
 *   only one smaller than `config.faces.min_face_px`)
 */
export async function addFacebankUpload(
  deps: ReviewDeps,
  embedder: FaceFileEmbedder,
  showId: string,
  castId: string,
  file: { path: string; fileName: string },
  reviewer: string,
): Promise<FacebankImage> {
  await requireCastMember(deps.db, showId, castId);
  await readImageSize(file.path, deps.config.api.image_max_pixels);
  const image = await decodeImageFile(file.path, deps.config.api.image_max_pixels);
  const [face] = await embedder.embedFiles([file.path]);
  if (!face?.embedding || !face.bbox) {
    throw new InputError(
      face?.reason === 'too_small'
        ? `The face in ${file.fileName} is smaller than ${deps.config.faces.min_face_px} px: upload a larger photo of ${castId}`
        : `No face found in ${file.fileName}: upload a photo in which ${castId}'s face is clearly visible`,
    );
  }
  const [x1, y1, x2, y2] = face.bbox;
  const mx = (x2 - x1) * THUMB_MARGIN;
  const my = (y2 - y1) * THUMB_MARGIN;
  const crop = cropRgb(image, [x1 - mx, y1 - my, x2 + mx, y2 + my]);
  const thumb = await encodeWebp(
    crop,
    deps.config.faces.thumb_webp_quality,
    deps.config.review.facebank_thumb_px,
  );
  const [stored] = await insertFacebankImages(deps.db, [
    {
      show_id: showId,
      cast_id: castId,
      source: 'upload',
      file_name: file.fileName,
      ep_id: null,
      run_id: null,
      identity_id: null,
      track_id: null,
      frame_idx: null,
      bbox: face.bbox,
      score: face.score,
      thumb_type: 'image/webp',
      created_by: reviewer,
      embedding: face.embedding,
      thumb,
    },
  ]);
  return stored!;
}

/**
 * Exports a reviewed identity's best face samples (by quality; excluded samples and tracks overridden away left
 * out; samples already in the facebank skipped) into the facebank of its cast member.
 * @param deps - config (`review.facebank_export_samples`) and database
 * @param target - episode and run
 * @param identityId - the identity
 * @param opts - `castId` (default: the identity's assignment), `maxSamples`
 * @param reviewer - who exported
 * @returns the facebank images added (empty when all were there already)
 * @throws NotFoundError for an unknown identity or cast member; InputError when the identity is not assigned and
 *   no cast member is named, or has no embedded face sample
 */
export async function exportIdentityToFacebank(
  deps: ReviewDeps,
  target: ReviewTarget,
  identityId: string,
  opts: { castId?: string; maxSamples?: number },
  reviewer: string,
): Promise<FacebankImage[]> {
  const opened = await openReview(deps, target);
  const idn = requireIdentity(opened.state, identityId);
  const castId = opts.castId ?? idn.cast_id;
  if (!castId) {
    throw new InputError(
      `Identity ${identityId} is not assigned: assign it first, or name the cast_id to export to`,
    );
  }
  await requireCastMember(deps.db, opened.showId, castId);
  const res = resolveTracks(opened.state);
  const own = new Set(
    idn.track_ids.filter((t) => {
      const r = res.get(t);
      return !r?.ignored && (!r?.overridden || r.cast_id === castId);
    }),
  );
  const excluded = new Set(opened.state.excluded_faces);
  const have = new Set(
    (await listFacebankImages(deps.db, opened.showId, castId))
      .filter((f) => f.run_id === opened.runId)
      .map((f) => `${f.track_id}:${f.frame_idx}`),
  );
  const samples = readRunFaces(opened.paths)
    .filter(
      (f) =>
        own.has(f.track_id) &&
        f.embedding_row !== null &&
        !excluded.has(`${f.track_id}:${f.frame_idx}`),
    )
    .sort((a, b) => b.quality - a.quality);
  if (samples.length === 0) {
    throw new InputError(`Identity ${identityId} has no embedded face sample to export`);
  }
  const dim = [...readRunTracks(opened.paths).values()].find((t) => t.prototype)!.prototype!.length;
  const emb = readRunEmbeddings(opened.paths, dim);
  const picked = samples
    .slice(0, opts.maxSamples ?? deps.config.review.facebank_export_samples)
    .filter((f) => !have.has(`${f.track_id}:${f.frame_idx}`));
  return insertFacebankImages(
    deps.db,
    picked.map((f) => ({
      show_id: opened.showId,
      cast_id: castId,
      source: 'identity' as const,
      file_name: null,
      ep_id: opened.epId,
      run_id: opened.runId,
      identity_id: identityId,
      track_id: f.track_id,
      frame_idx: f.frame_idx,
      bbox: null,
      score: f.quality,
      thumb_type: 'image/jpeg',
      created_by: reviewer,
      embedding: emb.data.slice(f.embedding_row! * dim, (f.embedding_row! + 1) * dim),
      thumb: readFileSync(join(opened.paths.dir, f.crop)),
    })),
  );
}
