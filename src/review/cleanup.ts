/**
 * @module Episode Cleanup / Cluster Cleanup: one long review operation that cuts tracks holding two people (an
 * embedding jump between consecutive face samples), and with the `standard` preset re-embeds (cut tracks get
 * prototypes from the samples each part keeps), re-clusters the tracks of unassigned identities (the `cluster`
 * stage's algorithm and threshold, as moves) and groups identities (auto-group, merged). It first plans on a copy
 * of the review state (the preview, with before/after figures); `apply` stores the plan as undoable edits
 * (`cut_track`, `move`, `merge`) and writes `cleanup_report.json` in the run folder. Identities a person edited or
 * assigned are never changed.
 */
import { ConflictError } from '../errors.ts';
import { listEdits, readJsonl, writeJsonAtomic } from '../store/index.ts';
import { applyEdit } from './apply.ts';
import { personTouched } from './auto-assign.ts';
import { cannotLinkIdentities, groupIdentities, type IdentityGroup } from './auto-group.ts';
import { identityCentroids, trackCentroids } from './centroids.ts';
import {
  cutRequest,
  figuresOf,
  planCuts,
  reclusterMoves,
  samplesOf,
  type DetectionRow,
  type CleanupCut,
  type CleanupFigures,
} from './cleanup-steps.ts';

export type { CleanupCut, CleanupFigures };
import { editReview } from './edits.ts';
import type { ReportProgress } from './operations.ts';
import { planEdit, type EditRequest } from './plan.ts';
import { coOccurringTracks, readRunEmbeddings, readRunTracks } from './run-data.ts';
import {
  openReview,
  SYSTEM_REVIEWER,
  type OpenReview,
  type ReviewDeps,
  type ReviewTarget,
} from './session.ts';

/** Cleanup presets: `quick` cuts tracks only; `standard` also re-embeds, re-clusters unassigned tracks and groups. */
export const CLEANUP_PRESETS = ['quick', 'standard'] as const;

/** A cleanup preset. */
export type CleanupPreset = (typeof CLEANUP_PRESETS)[number];

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
  /** Tracks moved by re-clustering the unassigned identities (`standard`). */
  moved_track_ids: number[];
  /** Groups of identities merged (`standard`), into the first of each. */
  groups: IdentityGroup[];
  /** Identities left alone because a person edited or assigned them. */
  protected_identity_ids: string[];
  /** Edits stored (or to store): undo this many to restore the review. */
  edits: number;
}

/** Identities a person edited (see auto-assign.ts) or assigned. */
async function protectedIdentities(deps: ReviewDeps, opened: OpenReview): Promise<Set<string>> {
  const { items: edits } = await listEdits(deps.db, opened.review.review_id, {
    limit: 1e6,
    offset: 0,
  });
  const out = personTouched(edits);
  for (const idn of opened.state.identities) {
    if (idn.cast_id !== null && idn.assigned_by !== SYSTEM_REVIEWER) {
      out.add(idn.identity_id);
    }
  }
  return out;
}

/**
 * Plans a cleanup of a review and, with `apply`, stores it as edits by `reviewer` and writes `cleanup_report.json`.
 * @param deps - config (`review.cleanup_jump_similarity`, `review.cleanup_min_side_faces`,
 *   `review.auto_group_min_similarity`, `cluster.distance_threshold`) and database
 * @param target - episode and optional run (default: the newest clustered run)
 * @param params - preset, whether to store the edits, and the version the preview was made on
 * @param reviewer - who runs it (recorded on every edit)
 * @param report - progress callback, may be async (throws or rejects to cancel)
 * @returns the plan with before/after figures; `applied` and the new version when stored
 * @throws NotFoundError for an unknown episode or run, or missing `faces.jsonl` / `embeddings.f32` /
 *   `detections.jsonl`; ConflictError when the run has no successful cluster, or the review is not at
 *   `expected_version` or moved on while applying
 */
export async function runCleanup(
  deps: ReviewDeps,
  target: ReviewTarget,
  params: { preset: CleanupPreset; apply: boolean; expected_version?: number | undefined },
  reviewer: string,
  report: ReportProgress,
): Promise<CleanupResult> {
  const opened = await openReview(deps, target);
  const expected = params.expected_version;
  if (expected !== undefined && expected !== opened.review.version) {
    throw new ConflictError(
      `The review of ${opened.epId} is at version ${opened.review.version}, not ${expected}: preview the cleanup again`,
    );
  }
  const dim =
    [...readRunTracks(opened.paths).values()].find((t) => t.prototype)?.prototype?.length ?? 0;
  const emb = readRunEmbeddings(opened.paths, dim);
  const vectorOf = (row: number): Float32Array => emb.data.subarray(row * dim, (row + 1) * dim);
  const detections = readJsonl<DetectionRow>(opened.paths.detections).filter(
    (d) => d.track_id !== null,
  );
  const keep = await protectedIdentities(deps, opened);
  const samples = samplesOf(opened, opened.state);
  await report(0, 3);
  const cuts = planCuts(opened, samples, detections, vectorOf, dim, keep, deps.config.review);
  const requests: EditRequest[] =
    cuts.length > 0 ? [cutRequest(cuts, opened.state, samples, detections)] : [];
  const meta = { by: reviewer, at: new Date().toISOString() };
  let state = requests.reduce((st, r) => applyEdit(st, planEdit(st, r), meta), opened.state);
  await report(1, 3);
  let groups: IdentityGroup[] = [];
  const moved: number[] = [];
  if (params.preset === 'standard') {
    const tracks = trackCentroids(opened.paths, state);
    const co = coOccurringTracks(opened.paths, state);
    const threshold = deps.config.cluster.distance_threshold;
    for (const move of reclusterMoves(state, tracks, keep, co, threshold)) {
      requests.push(move);
      moved.push(...(move.kind === 'move' ? move.track_ids : []));
      state = applyEdit(state, planEdit(state, move), meta);
    }
    const open = [...identityCentroids(state, tracks).values()].filter(
      (c) => !keep.has(c.identity_id),
    );
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
  await report(2, 3);
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
    moved_track_ids: moved.sort((a, b) => a - b),
    groups,
    protected_identity_ids: [...keep]
      .filter((id) => opened.state.identities.some((i) => i.identity_id === id))
      .sort(),
    edits: requests.length,
  };
  if (params.apply) {
    for (const r of requests) {
      result.version = (
        await editReview(deps, { epId: opened.epId, runId: opened.runId }, r, {
          reviewer,
          expectedVersion: result.version,
        })
      ).version;
    }
    result.applied = true;
    writeJsonAtomic(opened.paths.cleanupReport, {
      schema_version: 1,
      reviewer,
      created_at: meta.at,
      ...result,
    });
  }
  await report(3, 3);
  return result;
}
