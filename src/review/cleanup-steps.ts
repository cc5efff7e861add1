/**
 * @module The steps of Episode/Cluster Cleanup (cleanup.ts), each on a review state without writing: face samples
 * per track after cuts, figures, jump cuts, re-clustering moves.
 */
import { clusterAgglomerative } from './agglomerative.ts';
import { trackOfFrame } from './apply.ts';
import { dot, meanCentroid, type Centroid } from './centroids.ts';
import { findEmbeddingJumps } from './cleanup-jumps.ts';
import type { EditRequest } from './plan.ts';
import { readRunFaces, readRunTracks } from './run-data.ts';
import type { OpenReview, ReviewDeps } from './session.ts';
import type { ReviewState } from './state.ts';

/** Figures of a review state, shown before and after a cleanup. */
export interface CleanupFigures {
  /** Effective identities. */
  identities: number;
  /** Identities of one track. */
  singletons: number;
  /**
   * Mean over identities with embedded samples of the mean cosine similarity of each face sample to its identity's
   * mean (1 = every face alike; an identity holding two people scores low), or null without any.
   */
  mean_cohesion: number | null;
}

/** One track cut by a cleanup. */
export interface CleanupCut {
  /** Identity that held the track, or null for an unclustered track. */
  identity_id: string | null;
  /** Track cut (its head keeps this id). */
  track_id: number;
  /** New track holding the tail. */
  new_track_id: number;
  /** First source-video frame index of the tail. */
  from_frame_idx: number;
  /** Time of that frame, seconds. */
  from_ts: number;
  /** Cosine similarity of the two samples either side of the jump. */
  similarity: number;
}

/** One embedded face sample and the track that holds it after the state's cuts. */
export interface Sample {
  /** Track of the face sample in `faces.jsonl`. */
  trackId: number;
  /** Source-video frame index. */
  frameIdx: number;
  /** Row of `embeddings.f32`. */
  row: number;
  /** Aligned crop relative to the run folder. */
  crop: string;
  /** Quality score (higher is better). */
  quality: number;
}

/** A crop path a cut track's thumbnail may name. */
const CROP = /^crops\/\d+\/\d+\.jpg$/;

/** The fields of a `detections.jsonl` row that cleanup reads. */
export type DetectionRow = { frame_idx: number; ts: number; track_id: number | null };

/** Embedded, not excluded face samples per track of the state, by frame. */
export function samplesOf(opened: OpenReview, state: ReviewState): Map<number, Sample[]> {
  const excluded = new Set(state.excluded_faces);
  const out = new Map<number, Sample[]>();
  for (const f of readRunFaces(opened.paths)) {
    if (f.embedding_row === null || excluded.has(`${f.track_id}:${f.frame_idx}`)) {
      continue;
    }
    const holder = trackOfFrame(state, f.track_id, f.frame_idx);
    out.set(holder, [
      ...(out.get(holder) ?? []),
      {
        trackId: f.track_id,
        frameIdx: f.frame_idx,
        row: f.embedding_row,
        crop: f.crop,
        quality: f.quality,
      },
    ]);
  }
  for (const list of out.values()) {
    list.sort((a, b) => a.frameIdx - b.frameIdx);
  }
  return out;
}

/** Before/after figures of a state (see {@link CleanupFigures}). */
export function figuresOf(
  state: ReviewState,
  samples: ReadonlyMap<number, Sample[]>,
  vectorOf: (row: number) => Float32Array,
): CleanupFigures {
  const scores: number[] = [];
  for (const idn of state.identities) {
    const parts = idn.track_ids
      .flatMap((t) => samples.get(t) ?? [])
      .map((s) => ({ vector: vectorOf(s.row), faces: 1 }));
    const mean = meanCentroid(parts);
    if (mean) {
      scores.push(parts.reduce((s, p) => s + dot(p.vector, mean.vector), 0) / parts.length);
    }
  }
  const mean = scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
  return {
    identities: state.identities.length,
    singletons: state.identities.filter((i) => i.track_ids.length === 1).length,
    mean_cohesion: mean === null ? null : Math.round(mean * 1e4) / 1e4,
  };
}

/** The cut_track request for every jump in a track of an unprotected identity. */
export function planCuts(
  opened: OpenReview,
  samples: ReadonlyMap<number, Sample[]>,
  detections: readonly DetectionRow[],
  vectorOf: (row: number) => Float32Array,
  dim: number,
  keep: ReadonlySet<string>,
  config: ReviewDeps['config']['review'],
): CleanupCut[] {
  const { state } = opened;
  const dets = new Map<number, DetectionRow[]>();
  for (const d of detections) {
    const holder = trackOfFrame(state, d.track_id!, d.frame_idx);
    dets.set(holder, [...(dets.get(holder) ?? []), d]);
  }
  const known = [...readRunTracks(opened.paths).keys(), ...Object.keys(state.track_cuts ?? {})];
  let nextTrack = Math.max(0, ...known.map(Number)) + 1;
  const cuts: CleanupCut[] = [];
  const candidates = [
    ...state.identities
      .filter((i) => !keep.has(i.identity_id))
      .flatMap((i) => i.track_ids.map((t) => [t, i.identity_id] as const)),
    ...state.unclustered_track_ids.map((t) => [t, null] as const),
  ];
  for (const [trackId, identityId] of candidates) {
    const list = samples.get(trackId) ?? [];
    const vectors = new Float32Array(list.length * dim);
    list.forEach((s, k) => vectors.set(vectorOf(s.row), k * dim));
    const jumps = findEmbeddingJumps(
      vectors,
      dim,
      config.cleanup_jump_similarity,
      config.cleanup_min_side_faces,
    );
    const own = (dets.get(trackId) ?? []).sort((a, b) => a.frame_idx - b.frame_idx);
    let cur = trackId;
    for (const j of jumps) {
      const mid = (list[j.index - 1]!.frameIdx + list[j.index]!.frameIdx) / 2;
      const from = own.find((d) => d.frame_idx > mid) ?? own.find((d) => d.frame_idx >= mid);
      if (!from) {
        continue;
      }
      const newTrack = nextTrack++;
      cuts.push({
        identity_id: cur === trackId ? identityId : null,
        track_id: cur,
        new_track_id: newTrack,
        from_frame_idx: from.frame_idx,
        from_ts: from.ts,
        similarity: j.similarity,
      });
      cur = newTrack;
    }
  }
  return cuts;
}

/** The `cut_track` request of the cuts: spans and samples of each head and tail. */
export function cutRequest(
  cuts: readonly CleanupCut[],
  state: ReviewState,
  samples: ReadonlyMap<number, Sample[]>,
  detections: readonly DetectionRow[],
): EditRequest {
  let st = state;
  const all = [...samples.values()].flat();
  const rows = cuts.map((c) => {
    const mine = detections.filter(
      (d) => trackOfFrame(st, d.track_id!, d.frame_idx) === c.track_id,
    );
    const head = mine.filter((d) => d.frame_idx < c.from_frame_idx);
    const tail = mine.filter((d) => d.frame_idx >= c.from_frame_idx);
    const faces = all.filter((f) => trackOfFrame(st, f.trackId, f.frameIdx) === c.track_id);
    const half = (ds: DetectionRow[], inTail: boolean) => {
      const own = faces.filter((f) => f.frameIdx >= c.from_frame_idx === inTail);
      const best = own.reduce<Sample | null>((b, f) => (!b || f.quality > b.quality ? f : b), null);
      return {
        first_ts: ds[0]?.ts ?? c.from_ts,
        last_ts: ds.at(-1)?.ts ?? c.from_ts,
        faces: own.length,
        ...(best && CROP.test(best.crop) ? { thumb: best.crop } : {}),
      };
    };
    const cut = {
      track_id: c.track_id,
      from_frame_idx: c.from_frame_idx,
      new_track_id: c.new_track_id,
      head: half(head, false),
      tail: half(tail, true),
    };
    st = {
      ...st,
      track_cuts: {
        ...st.track_cuts,
        [String(c.new_track_id)]: { track_id: c.track_id, from_frame_idx: c.from_frame_idx },
      },
    };
    return cut;
  });
  return { kind: 'cut_track', cuts: rows };
}

/**
 * Re-clusters the tracks of the unassigned identities no person edited with the `cluster` stage's algorithm and
 * threshold, and returns the moves that turn their identities into the new clusters: each cluster keeps the
 * identity holding most of its tracks (a new identity when that one went to a bigger cluster).
 */
export function reclusterMoves(
  state: ReviewState,
  tracks: ReadonlyMap<number, Centroid>,
  keep: ReadonlySet<string>,
  co: ReadonlySet<string>,
  thresholdDistance: number,
): EditRequest[] {
  const items = state.identities
    .filter((i) => !keep.has(i.identity_id) && i.cast_id === null)
    .flatMap((i) =>
      i.track_ids
        .filter((t) => tracks.has(t))
        .map((t) => ({ trackId: t, identityId: i.identity_id })),
    );
  if (items.length < 2) {
    return [];
  }
  const dim = tracks.get(items[0]!.trackId)!.vector.length;
  const vectors = new Float32Array(items.length * dim);
  items.forEach((it, k) => vectors.set(tracks.get(it.trackId)!.vector, k * dim));
  const apart = (i: number, j: number): boolean => {
    const [a, b] = [items[i]!.trackId, items[j]!.trackId].sort((x, y) => x - y);
    return co.has(`${a}:${b}`);
  };
  const labels = clusterAgglomerative(vectors, dim, thresholdDistance, apart);
  const clusters = new Map<number, typeof items>();
  labels.forEach((label, k) => clusters.set(label, [...(clusters.get(label) ?? []), items[k]!]));
  const claimed = new Set<string>();
  const moves: EditRequest[] = [];
  for (const label of [...clusters.keys()].sort((a, b) => a - b)) {
    const members = clusters.get(label)!;
    const votes = new Map<string, number>();
    for (const m of members) {
      if (!claimed.has(m.identityId)) {
        votes.set(m.identityId, (votes.get(m.identityId) ?? 0) + 1);
      }
    }
    const target = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    if (target) {
      claimed.add(target);
    }
    const moving = members.filter((m) => m.identityId !== target).map((m) => m.trackId);
    if (moving.length > 0) {
      moves.push({ kind: 'move', track_ids: moving, to_identity_id: target ?? null });
    }
  }
  return moves;
}
