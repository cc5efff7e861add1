/**
 * @module Episode Cleanup / Cluster Cleanup: one long review operation that cuts tracks holding two people (an
 * embedding jump between consecutive face samples), re-embeds the cut tracks (prototypes from the samples each
 * part keeps), and with the `standard` preset groups the identities a person has not edited (auto-group, merged).
 * It first plans on a copy of the review state (the preview, with before/after figures); `apply` stores the plan as
 * undoable edits (`cut_track`, `merge`) and writes `cleanup_report.json` in the run folder. Identities a person
 * edited or assigned are never changed.
 */
import { listEdits, readJsonl, writeJsonAtomic } from '../store/index.ts';
import { applyEdit, trackOfFrame } from './apply.ts';
import { personTouched } from './auto-assign.ts';
import { cannotLinkIdentities, groupIdentities, type IdentityGroup } from './auto-group.ts';
import { dot, identityCentroids, meanCentroid, trackCentroids } from './centroids.ts';
import { findEmbeddingJumps } from './cleanup-jumps.ts';
import { editReview } from './edits.ts';
import { planEdit, type EditRequest } from './plan.ts';
import { readRunEmbeddings, readRunFaces, readRunTracks } from './run-data.ts';
import {
  openReview,
  SYSTEM_REVIEWER,
  type OpenReview,
  type ReviewDeps,
  type ReviewTarget,
} from './session.ts';
import type { ReviewState } from './state.ts';

/** Cleanup presets: `quick` cuts tracks only; `standard` also re-embeds and groups identities. */
export const CLEANUP_PRESETS = ['quick', 'standard'] as const;

/** A cleanup preset. */
export type CleanupPreset = (typeof CLEANUP_PRESETS)[number];

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

/** What a cleanup found (preview) or did (applied). */
export interface CleanupResult {
  /** Episode id. */
  ep_id: string;
  /** Run id. */
  run_id: string;
  /** Preset run. */
  preset: CleanupPreset;
  /** True when the edits were stored. */
  applied: boolean;
  /** Review version the plan was made on. */
  version_before: number;
  /** Review version after (equal to `version_before` for a preview). */
  version: number;
  /** Figures of the review before. */
  before: CleanupFigures;
  /** Figures of the review after the plan. */
  after: CleanupFigures;
  /** Tracks cut. */
  cuts: CleanupCut[];
  /** Groups of identities merged (`standard`), into the first of each. */
  groups: IdentityGroup[];
  /** Identities left alone because a person edited or assigned them. */
  protected_identity_ids: string[];
  /** Edits stored (or to store): undo this many to restore the review. */
  edits: number;
}

/** One embedded face sample and the track that holds it after the state's cuts. */
interface Sample {
  trackId: number;
  frameIdx: number;
  row: number;
}

type DetectionRow = { frame_idx: number; ts: number; track_id: number | null };

/** Embedded, not excluded face samples per track of the state, by frame. */
function samplesOf(opened: OpenReview, state: ReviewState): Map<number, Sample[]> {
  const excluded = new Set(state.excluded_faces);
  const out = new Map<number, Sample[]>();
  for (const f of readRunFaces(opened.paths)) {
    if (f.embedding_row === null || excluded.has(`${f.track_id}:${f.frame_idx}`)) {
      continue;
    }
    const holder = trackOfFrame(state, f.track_id, f.frame_idx);
    out.set(holder, [
      ...(out.get(holder) ?? []),
      { trackId: f.track_id, frameIdx: f.frame_idx, row: f.embedding_row },
    ]);
  }
  for (const list of out.values()) {
    list.sort((a, b) => a.frameIdx - b.frameIdx);
  }
  return out;
}

function figuresOf(
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

/** Identities a person edited (see auto-assign.ts) or assigned. */
function protectedIdentities(deps: ReviewDeps, opened: OpenReview): Set<string> {
  const edits = listEdits(deps.db, opened.review.review_id, { limit: 1e6, offset: 0 }).items;
  const out = personTouched(edits);
  for (const idn of opened.state.identities) {
    if (idn.cast_id !== null && idn.assigned_by !== SYSTEM_REVIEWER) {
      out.add(idn.identity_id);
    }
  }
  return out;
}

/** The cut_track request for every jump in a track of an unprotected identity. */
function planCuts(
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
function cutRequest(
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
    const half = (ds: DetectionRow[], inTail: boolean) => ({
      first_ts: ds[0]?.ts ?? c.from_ts,
      last_ts: ds.at(-1)?.ts ?? c.from_ts,
      faces: faces.filter((f) => f.frameIdx >= c.from_frame_idx === inTail).length,
    });
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
 * Plans a cleanup of a review and, with `apply`, stores it as edits by `reviewer` and writes `cleanup_report.json`.
 * @param deps - config (`review.cleanup_jump_similarity`, `review.cleanup_min_side_faces`,
 *   `review.auto_group_min_similarity`) and database
 * @param target - episode and optional run (default: the newest clustered run)
 * @param params - preset, and whether to store the edits
 * @param reviewer - who runs it (recorded on every edit)
 * @param report - progress callback (throws to cancel)
 * @returns the plan with before/after figures; `applied` and the new version when stored
 * @throws NotFoundError for an unknown episode or run, or missing `faces.jsonl` / `embeddings.f32` /
 *   `detections.jsonl`; ConflictError when the run has no successful cluster or the review moved on while applying
 */
export function runCleanup(
  deps: ReviewDeps,
  target: ReviewTarget,
  params: { preset: CleanupPreset; apply: boolean },
  reviewer: string,
  report: (done: number, total: number) => void,
): CleanupResult {
  const opened = openReview(deps, target);
  const dim =
    [...readRunTracks(opened.paths).values()].find((t) => t.prototype)?.prototype?.length ?? 0;
  const emb = readRunEmbeddings(opened.paths, dim);
  const vectorOf = (row: number): Float32Array => emb.data.subarray(row * dim, (row + 1) * dim);
  const detections = readJsonl<DetectionRow>(opened.paths.detections).filter(
    (d) => d.track_id !== null,
  );
  const keep = protectedIdentities(deps, opened);
  const samples = samplesOf(opened, opened.state);
  report(0, 3);
  const cuts = planCuts(opened, samples, detections, vectorOf, dim, keep, deps.config.review);
  const requests: EditRequest[] =
    cuts.length > 0 ? [cutRequest(cuts, opened.state, samples, detections)] : [];
  const meta = { by: reviewer, at: new Date().toISOString() };
  let state = requests.reduce((st, r) => applyEdit(st, planEdit(st, r), meta), opened.state);
  report(1, 3);
  let groups: IdentityGroup[] = [];
  if (params.preset === 'standard') {
    const tracks = trackCentroids(opened.paths, state);
    const open = [...identityCentroids(state, tracks).values()].filter(
      (c) => !keep.has(c.identity_id),
    );
    const co = new Set<string>();
    const byFrame = new Map<number, Set<number>>();
    for (const d of detections) {
      const set = byFrame.get(d.frame_idx) ?? new Set<number>();
      byFrame.set(d.frame_idx, set.add(trackOfFrame(state, d.track_id!, d.frame_idx)));
    }
    for (const ids of byFrame.values()) {
      for (const a of ids) {
        for (const b of ids) {
          if (a < b) {
            co.add(`${a}:${b}`);
          }
        }
      }
    }
    const faces = new Map(state.identities.map((i) => [i.identity_id, i.faces]));
    const assigned = new Set(state.identities.filter((i) => i.cast_id).map((i) => i.identity_id));
    groups = groupIdentities(
      open,
      deps.config.review.auto_group_min_similarity,
      cannotLinkIdentities(state, co),
      (id) => faces.get(id) ?? 0,
    );
    for (const g of groups) {
      const targetId = g.identity_ids.find((id) => assigned.has(id)) ?? g.identity_ids[0]!;
      const merge: EditRequest = {
        kind: 'merge',
        source_ids: g.identity_ids.filter((id) => id !== targetId),
        target_id: targetId,
      };
      requests.push(merge);
      state = applyEdit(state, planEdit(state, merge), meta);
    }
  }
  report(2, 3);
  const result: CleanupResult = {
    ep_id: opened.epId,
    run_id: opened.runId,
    preset: params.preset,
    applied: false,
    version_before: opened.review.version,
    version: opened.review.version,
    before: figuresOf(opened.state, samples, vectorOf),
    after: figuresOf(state, samplesOf(opened, state), vectorOf),
    cuts,
    groups,
    protected_identity_ids: [...keep]
      .filter((id) => opened.state.identities.some((i) => i.identity_id === id))
      .sort(),
    edits: requests.length,
  };
  if (params.apply) {
    for (const r of requests) {
      result.version = editReview(deps, { epId: opened.epId, runId: opened.runId }, r, {
        reviewer,
        expectedVersion: result.version,
      }).version;
    }
    result.applied = true;
    writeJsonAtomic(opened.paths.cleanupReport, {
      schema_version: 1,
      reviewer,
      created_at: meta.at,
      ...result,
    });
  }
  report(3, 3);
  return result;
}
