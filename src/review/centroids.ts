/**
 * @module Centroids after review: per track its prototype (recomputed without excluded face samples), per
 * identity and per cast member the face-weighted normalised mean of their tracks' prototypes, and cohesion.
 */
import type { RunPaths } from '../store/index.ts';
import { trackOfFrame } from './apply.ts';
import { resolveTracks } from './resolve.ts';
import { readRunEmbeddings, readRunFaces, readRunIdentities, readRunTracks } from './run-data.ts';
import type { ReviewState } from './state.ts';

/** A unit vector with the face samples behind it. */
export interface Centroid {
  /** L2-normalised vector (length = embedding dim, 512 with the default model). */
  vector: Float32Array;
  /** Face samples it averages. */
  faces: number;
}

/** Dot product of two equal-length vectors (cosine similarity when both are unit vectors). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
  }
  return s;
}

/**
 * Face-weighted normalised mean of centroids.
 * @param parts - vectors with their weights (faces)
 * @returns the mean, or null when there is no part or the mean is zero
 */
export function meanCentroid(parts: readonly Centroid[]): Centroid | null {
  if (parts.length === 0) {
    return null;
  }
  const sum = new Float64Array(parts[0]!.vector.length);
  let faces = 0;
  for (const p of parts) {
    const w = Math.max(1, p.faces);
    faces += p.faces;
    for (let d = 0; d < sum.length; d++) {
      sum[d]! += w * p.vector[d]!;
    }
  }
  const norm = Math.hypot(...sum);
  return norm > 0 ? { vector: Float32Array.from(sum, (v) => v / norm), faces } : null;
}

/**
 * Per track with face samples: its prototype from tracks.jsonl, or, when some of its samples are excluded or the
 * track was cut (`cut_track`), the mean of the embeddings of the samples it keeps (re-embedding; a track with all
 * samples excluded has none). A turned track that cluster attached to an identity by its clothing
 * (`identities.json` `attached`, issue 11) has none: its profile samples embed poorly (0.18-0.36 similar to the
 * person's gallery face on the sitcom clip) and would pull the centroid that names the identity.
 * @param paths - run paths
 * @param state - review state (`excluded_faces`)
 * @returns track id to its centroid
 */
export function trackCentroids(paths: RunPaths, state: ReviewState): Map<number, Centroid> {
  const out = ownTrackCentroids(paths, state);
  for (const idn of readRunIdentities(paths).identities) {
    for (const a of idn.attached ?? []) {
      out.delete(a.track_id);
    }
  }
  return out;
}

/** {@link trackCentroids} of every track, attached ones included. */
function ownTrackCentroids(paths: RunPaths, state: ReviewState): Map<number, Centroid> {
  const excluded = new Set(state.excluded_faces);
  const touched = new Set(state.excluded_faces.map((k) => Number(k.split(':')[0])));
  for (const [id, cut] of Object.entries(state.track_cuts ?? {})) {
    touched.add(Number(id));
    touched.add(cut.track_id);
  }
  const out = new Map<number, Centroid>();
  for (const t of readRunTracks(paths).values()) {
    if (t.prototype && !touched.has(t.track_id)) {
      out.set(t.track_id, { vector: Float32Array.from(t.prototype), faces: t.faces });
    }
  }
  if (touched.size === 0) {
    return out;
  }
  const dim = [...readRunTracks(paths).values()].find((t) => t.prototype)?.prototype?.length ?? 0;
  const emb = readRunEmbeddings(paths, dim);
  const rows = new Map<number, Centroid[]>();
  for (const f of readRunFaces(paths)) {
    if (
      !touched.has(f.track_id) ||
      f.embedding_row === null ||
      excluded.has(`${f.track_id}:${f.frame_idx}`)
    ) {
      continue;
    }
    const vector = emb.data.subarray(f.embedding_row * dim, (f.embedding_row + 1) * dim);
    const holder = trackOfFrame(state, f.track_id, f.frame_idx);
    rows.set(holder, [...(rows.get(holder) ?? []), { vector, faces: 1 }]);
  }
  for (const [trackId, parts] of rows) {
    const mean = meanCentroid(parts);
    if (mean) {
      out.set(trackId, mean);
    }
  }
  return out;
}

/** An identity's centroid and cohesion. */
export interface IdentityCentroid extends Centroid {
  /** Identity id. */
  identity_id: string;
  /** Mean cosine similarity of its track centroids to its centroid (1 = tight). */
  cohesion: number;
}

/**
 * @param state - review state
 * @param tracks - track centroids (see {@link trackCentroids})
 * @param only - keep only tracks for which this returns true (default: all)
 * @returns per identity with at least one track centroid, its centroid and cohesion
 */
export function identityCentroids(
  state: ReviewState,
  tracks: ReadonlyMap<number, Centroid>,
  only: (trackId: number) => boolean = () => true,
): Map<string, IdentityCentroid> {
  const out = new Map<string, IdentityCentroid>();
  for (const idn of state.identities) {
    const parts = idn.track_ids.filter(only).flatMap((t) => tracks.get(t) ?? []);
    const mean = meanCentroid(parts);
    if (mean) {
      const cohesion = parts.reduce((s, p) => s + dot(p.vector, mean.vector), 0) / parts.length;
      out.set(idn.identity_id, {
        identity_id: idn.identity_id,
        ...mean,
        cohesion: Math.round(cohesion * 1e4) / 1e4,
      });
    }
  }
  return out;
}

/**
 * Per cast member, the centroid of the tracks that resolve to it (track override before identity assignment).
 * @param state - review state
 * @param tracks - track centroids
 * @returns cast id to centroid
 */
export function castCentroids(
  state: ReviewState,
  tracks: ReadonlyMap<number, Centroid>,
): Map<string, Centroid> {
  const parts = new Map<string, Centroid[]>();
  for (const r of resolveTracks(state).values()) {
    const c = tracks.get(r.track_id);
    if (r.cast_id && c) {
      parts.set(r.cast_id, [...(parts.get(r.cast_id) ?? []), c]);
    }
  }
  const out = new Map<string, Centroid>();
  for (const [castId, list] of parts) {
    const mean = meanCentroid(list);
    if (mean) {
      out.set(castId, mean);
    }
  }
  return out;
}
