/**
 * @module The artifacts of a run that review reads: identities, tracks (span, faces, prototype), face samples,
 * embeddings and which tracks share each analysed frame. Parsed once per file version and kept in a small cache
 * (run artifacts are written once; a re-run stage changes the file's mtime and size, and so the cache key).
 */
import { statSync } from 'node:fs';
import { ConflictError } from '../errors.ts';
import {
  readEmbeddings,
  readIdentities,
  readJsonl,
  type Embeddings,
  type IdentitiesFile,
  type RunPaths,
} from '../store/index.ts';
import type { BBox } from '../types.ts';
import { trackOfFrame, type ReviewBase } from './apply.ts';
import type { ReviewState } from './state.ts';

/** The fields of a `tracks.jsonl` row that review uses. */
export interface RunTrack {
  /** Track id. */
  track_id: number;
  /** Time of the first detection, seconds. */
  first_ts: number;
  /** Time of the last detection, seconds. */
  last_ts: number;
  /** Embedded face samples (0 before faces_embed). */
  faces: number;
  /** Normalised mean embedding, or null without samples. */
  prototype: number[] | null;
}

/** The fields of a `faces.jsonl` row that review uses. */
export interface RunFace {
  /** Track id. */
  track_id: number;
  /** Source-video frame index. */
  frame_idx: number;
  /** Time, seconds. */
  ts: number;
  /** Quality score used to pick samples (higher is better). */
  quality: number;
  /** Aligned crop relative to the run folder. */
  crop: string;
  /** Row of `embeddings.f32`, or null when not embedded. */
  embedding_row: number | null;
}

/** One detection, as review needs it: frame, box and track. */
export interface RunDetection {
  /** Source-video frame index. */
  frame_idx: number;
  /** Box in source-video pixels. */
  bbox_xyxy: BBox;
  /** Track, or null. */
  track_id: number | null;
}

const MAX_CACHED = 16;
const cache = new Map<string, unknown>();

function cached<T>(path: string, read: () => T): T {
  const st = statSync(path, { throwIfNoEntry: false });
  const key = `${path}|${st?.mtimeMs ?? 0}|${st?.size ?? -1}`;
  if (cache.has(key)) {
    return cache.get(key) as T;
  }
  const value = read();
  if (cache.size >= MAX_CACHED) {
    cache.delete(cache.keys().next().value!);
  }
  cache.set(key, value);
  return value;
}

/**
 * @param paths - run paths
 * @returns `identities.json`
 * @throws ConflictError (`CONFLICT`) when cluster has not written it
 */
export function readRunIdentities(paths: RunPaths): IdentitiesFile {
  const file = cached(paths.identities, () => readIdentities(paths.identities));
  if (!file) {
    throw new ConflictError(`identities.json is missing in ${paths.dir}: run cluster first`);
  }
  return file;
}

/**
 * @param paths - run paths
 * @returns the run's tracks by id
 * @throws NotFoundError when `tracks.jsonl` is missing
 */
export function readRunTracks(paths: RunPaths): Map<number, RunTrack> {
  return cached(paths.tracks, () => {
    const rows = readJsonl<RunTrack>(paths.tracks);
    return new Map(
      rows.map((t) => [
        t.track_id,
        {
          track_id: t.track_id,
          first_ts: t.first_ts,
          last_ts: t.last_ts,
          faces: t.faces ?? 0,
          prototype: t.prototype ?? null,
        },
      ]),
    );
  });
}

/**
 * @returns the run's face samples (embedded and skipped), in file order
 * @throws NotFoundError when `faces.jsonl` is missing
 */
export function readRunFaces(paths: RunPaths): RunFace[] {
  return cached(paths.faces, () => readJsonl<RunFace>(paths.faces));
}

/**
 * @param paths - run paths
 * @param dim - embedding length (a track prototype's length)
 * @returns `embeddings.f32`
 * @throws NotFoundError when it is missing
 */
export function readRunEmbeddings(paths: RunPaths, dim: number): Embeddings {
  return cached(paths.embeddings, () => readEmbeddings(paths.embeddings, dim));
}

/**
 * @returns the run's detections that joined a track
 * @throws NotFoundError when `detections.jsonl` is missing
 */
export function readRunDetections(paths: RunPaths): RunDetection[] {
  return cached(paths.detections, () =>
    readJsonl<RunDetection>(paths.detections)
      .filter((d) => d.track_id !== null)
      .map(({ frame_idx, bbox_xyxy, track_id }) => ({ frame_idx, bbox_xyxy, track_id })),
  );
}

/**
 * @param paths - run paths
 * @param state - review state whose `cut_track` cuts apply (a detection counts for the cut track holding its
 *   frame); without one, or without cuts, the pairs of `detections.jsonl` as they are (cached)
 * @returns pairs of track ids seen in one analysed frame, as `a:b` keys, a before b (ascending)
 */
export function coOccurringTracks(paths: RunPaths, state?: ReviewState): Set<string> {
  const cuts = state?.track_cuts && Object.keys(state.track_cuts).length > 0 ? state : null;
  const pairsOf = (): Set<string> => {
    const byFrame = new Map<number, Set<number>>();
    for (const d of readRunDetections(paths)) {
      const id = cuts ? trackOfFrame(cuts, d.track_id!, d.frame_idx) : d.track_id!;
      byFrame.set(d.frame_idx, (byFrame.get(d.frame_idx) ?? new Set<number>()).add(id));
    }
    const pairs = new Set<string>();
    for (const ids of byFrame.values()) {
      for (const a of ids) {
        for (const b of ids) {
          if (a < b) {
            pairs.add(`${a}:${b}`);
          }
        }
      }
    }
    return pairs;
  };
  return cuts ? pairsOf() : cached(`${paths.detections}#pairs`, pairsOf);
}

/**
 * @param paths - run paths
 * @returns what a review of the run's clustering starts from
 * @throws ConflictError when cluster has not run; NotFoundError when `tracks.jsonl` is missing
 */
export function readReviewBase(paths: RunPaths): ReviewBase {
  const file = readRunIdentities(paths);
  const tracks = readRunTracks(paths);
  return {
    identities: file.identities,
    unclustered_track_ids: file.unclustered_track_ids,
    track_faces: Object.fromEntries([...tracks.values()].map((t) => [String(t.track_id), t.faces])),
  };
}
