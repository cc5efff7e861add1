/**
 * @module Stage `faces_embed`: choose up to K face samples per track from detect_track's candidate crops, embed
 * them in batches, write `faces.jsonl` + `embeddings.f32`, a WebP thumbnail per track, and track prototypes.
 */
import { join } from 'node:path';
import { decodeImageFile, encodeWebp } from '../../media/index.ts';
import { createEmbedder, type Embedder } from '../../models/index.ts';
import {
  EmbeddingsWriter,
  JsonlWriter,
  readJsonl,
  writeFileAtomic,
  writeJsonl,
} from '../../store/index.ts';
import type { StageContext, StageOutcome } from '../context.ts';
import type { SampleCandidate } from '../face-samples/candidate.ts';
import type { TrackRow } from '../detect-track/index.ts';
import type { Detection, Point } from '../../types.ts';
import { roundTo } from '../round.ts';
import { estimateYawDeg } from './pose.ts';
import { meanPrototype } from './prototype.ts';
import { selectSamples } from '../face-samples/quality.ts';

/**
 * Why a candidate was not embedded: `too_small` (under `faces.min_face_px`), `profile` (yaw over
 * `faces.profile_yaw_deg` in a track that has frontal candidates), `not_selected` (over `faces.samples_per_track`).
 */
export type SkipReason = 'too_small' | 'profile' | 'not_selected';

/** One row of `faces.jsonl`. */
export interface FaceRow extends SampleCandidate {
  /** Track the sample belongs to. */
  track_id: number;
  /** Row of `embeddings.f32` holding its embedding, or null when skipped. */
  embedding_row: number | null;
  /** Why it was skipped, or null when embedded. */
  skip: SkipReason | null;
  /** Estimated head yaw of the detection in degrees (0 frontal, 90 profile; see `estimateYawDeg`). */
  yaw_deg: number;
}

/** A track row after faces_embed: detect_track's fields plus its prototype. */
export interface EmbeddedTrackRow extends TrackRow {
  /** Number of embedded face samples. */
  faces: number;
  /** Normalised mean of the track's embeddings (length = embedder dim), or null without samples. */
  prototype: number[] | null;
  /** Mean cosine distance of the samples to the prototype (0 = identical), or null. */
  spread: number | null;
}

/** Thumbnails made at once (sharp runs each in its thread pool). */
const THUMB_CONCURRENCY = 2;

/**
 * Runs faces_embed over the run's tracks.
 * @param ctx - stage context; uses `config.faces`, the embedder of `config.models.embedder`
 * @returns counts (tracks, candidates, faces, skipped), zero_rows when no face was embedded
 * @throws NotFoundError when `tracks.jsonl` or `detections.jsonl` is missing (run detect_track first); ModelError;
 *   CancelledError
 */
export async function runFacesEmbed(ctx: StageContext): Promise<StageOutcome> {
  const { config, paths, log, profile } = ctx;
  const tracks = readJsonl<TrackRow>(paths.tracks);
  const { embedder, execution } = await createEmbedder(config, {
    device: ctx.device.requested,
    allowCpuFallback: ctx.device.allowCpuFallback,
    cpuThreads: profile.cpu_threads,
  });
  const params = {
    embedder: embedder.name,
    samples_per_track: config.faces.samples_per_track,
    min_face_px: config.faces.min_face_px,
    profile_yaw_deg: config.faces.profile_yaw_deg,
    batch: embedder.batchSize,
  };
  log.info('faces_embed.started', {
    ...params,
    tracks: tracks.length,
    providers: execution.providers,
  });

  const landmarks = new Map<string, Point[]>();
  for (const d of readJsonl<Detection>(paths.detections)) {
    landmarks.set(`${d.track_id}:${d.frame_idx}`, d.landmarks);
  }
  const faces: FaceRow[] = [];
  for (const t of tracks) {
    const yaws = new Map(
      t.candidates.map((c) => {
        const lm = landmarks.get(`${t.track_id}:${c.frame_idx}`);
        return [c, roundTo(lm ? estimateYawDeg(lm) : 90, 1)];
      }),
    );
    const big = t.candidates.filter((c) => c.face_px >= config.faces.min_face_px);
    const frontal = big.filter((c) => yaws.get(c)! <= config.faces.profile_yaw_deg);
    const eligible = frontal.length > 0 ? frontal : big;
    const chosen = new Set(
      selectSamples(eligible, config.faces.samples_per_track).map((i) => eligible[i]!),
    );
    for (const c of t.candidates) {
      const skip: SkipReason | null =
        c.face_px < config.faces.min_face_px
          ? 'too_small'
          : chosen.has(c)
            ? null
            : eligible.includes(c)
              ? 'not_selected'
              : 'profile';
      faces.push({ ...c, track_id: t.track_id, embedding_row: null, skip, yaw_deg: yaws.get(c)! });
    }
  }
  const selected = faces.filter((f) => f.skip === null);
  selected.forEach((f, i) => (f.embedding_row = i));

  // Thumbnails (JPEG decode + WebP encode in sharp's thread pool) are made while the embedder runs.
  const thumbs = forEachLimit(tracks, THUMB_CONCURRENCY, (t) => writeThumb(ctx, t));
  let embeddings: Float32Array;
  try {
    embeddings = await embedAll(ctx, embedder, selected);
  } finally {
    await embedder.release();
    await thumbs.catch(() => undefined);
  }
  await thumbs;

  const facesWriter = JsonlWriter.open<FaceRow>(paths.faces);
  const embWriter = EmbeddingsWriter.open(paths.embeddings, embedder.dim);
  try {
    for (const f of faces) {
      facesWriter.write(f);
    }
    embWriter.write(embeddings);
    facesWriter.commit();
    embWriter.commit();
  } catch (err) {
    facesWriter.abort();
    embWriter.abort();
    throw err;
  }

  const rows: EmbeddedTrackRow[] = [];
  for (const t of tracks) {
    const own = selected.filter((f) => f.track_id === t.track_id);
    const proto = meanPrototype(
      embeddings,
      embedder.dim,
      own.map((f) => f.embedding_row!),
    );
    rows.push({
      ...t,
      faces: own.length,
      prototype: proto?.prototype ?? null,
      spread: proto?.spread ?? null,
    });
  }
  writeJsonl(paths.tracks, rows);

  const counts = {
    tracks: tracks.length,
    candidates: faces.length,
    faces: selected.length,
    skipped: faces.length - selected.length,
  };
  log.info('faces_embed.finished', counts);
  return {
    counts,
    zeroRows: selected.length === 0,
    device: { requested: execution.requested, effective_providers: execution.providers },
    params,
  };
}

async function embedAll(
  ctx: StageContext,
  embedder: Embedder,
  selected: FaceRow[],
): Promise<Float32Array> {
  const out = new Float32Array(selected.length * embedder.dim);
  const load = (start: number): Promise<Uint8Array[]> =>
    Promise.all(
      selected
        .slice(start, start + embedder.batchSize)
        .map(async (f) => (await decodeImageFile(join(ctx.paths.dir, f.crop))).data),
    );
  let next = selected.length > 0 ? load(0) : null;
  for (let start = 0; start < selected.length; start += embedder.batchSize) {
    ctx.signal.throwIfAborted();
    const crops = await next!;
    next = start + embedder.batchSize < selected.length ? load(start + embedder.batchSize) : null;
    out.set(await embedder.embed(crops), start * embedder.dim);
    ctx.onProgress({ framesDone: start + crops.length, framesTotal: selected.length });
  }
  return out;
}

/**
 * Runs `fn` on every item, at most `limit` at a time.
 * @throws the first error of `fn`, once every started call has settled
 */
async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      await fn(items[next++]!);
    }
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, lane),
  );
  const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
}

async function writeThumb(ctx: StageContext, track: TrackRow): Promise<void> {
  const best = track.candidates.reduce<SampleCandidate | null>(
    (b, c) => (b === null || c.quality > b.quality ? c : b),
    null,
  );
  if (!best) {
    return;
  }
  const img = await decodeImageFile(join(ctx.paths.dir, best.crop));
  writeFileAtomic(
    ctx.paths.thumb(track.track_id),
    await encodeWebp(img, ctx.config.faces.thumb_webp_quality),
  );
}
