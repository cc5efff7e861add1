/**
 * @module Opening the review of an episode's run: picks the run (default: the newest with a successful cluster),
 * finds or creates the review of its clustering, and, when it is new and the episode was reviewed before, carries
 * that work over as its first edit. Every review function starts here.
 */
import type { Config } from '../config/index.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import {
  createReview,
  findReview,
  getEpisode,
  latestEditedReview,
  listRuns,
  parseEpisodeId,
  parseRunId,
  readMarker,
  runPaths,
  type Db,
  type RunPaths,
  type ReviewRow,
} from '../store/index.ts';
import type { EpisodeId, RunId } from '../types.ts';
import { applyEdit, initialState } from './apply.ts';
import { carryOver, isEmptyWork } from './carry-over.ts';
import { readReviewBase, readRunDetections, readRunFaces } from './run-data.ts';
import { castRefsOf, type ReviewState } from './state.ts';
import { mapTracks } from './track-map.ts';

/** What review functions work with: the config (`data_dir`, `review`) and the open database. */
export interface ReviewDeps {
  /** The frozen config. */
  config: Config;
  /** Open database of `config.data_dir`. */
  db: Db;
}

/** Which review: an episode and, optionally, a run. */
export interface ReviewTarget {
  /** Episode id. */
  epId: string;
  /** Run id; default: the newest run of the episode whose cluster stage succeeded. */
  runId?: string;
}

/** An opened review. */
export interface OpenReview {
  /** Episode id. */
  epId: EpisodeId;
  /** Show id of the episode. */
  showId: string;
  /** Run id. */
  runId: RunId;
  /** Run artifact paths. */
  paths: RunPaths;
  /** The review row. */
  review: ReviewRow;
  /** Its folded state. */
  state: ReviewState;
}

/** Reviewer recorded for edits the pipeline makes (carry-over, auto-assignment). */
export const SYSTEM_REVIEWER = 'system';

function clusterMarkerId(paths: RunPaths): string | null {
  const marker = readMarker(paths.marker('cluster'));
  return marker?.status === 'success' ? marker.marker_id : null;
}

async function pickRun(
  deps: ReviewDeps,
  epId: EpisodeId,
  runId: string | undefined,
): Promise<RunId> {
  const runs = await listRuns(deps.db, epId);
  if (runId !== undefined) {
    const id = parseRunId(runId);
    if (!runs.some((r) => r.run_id === id)) {
      throw new NotFoundError(
        `Run ${id} is not a run of ${epId}: leave run_id out to use the newest clustered run`,
      );
    }
    return id;
  }
  const clustered = runs.find(
    (r) => clusterMarkerId(runPaths(deps.config.data_dir, epId, r.run_id)) !== null,
  );
  if (!clustered) {
    throw new ConflictError(
      `Episode ${epId} has no run whose cluster stage succeeded: run the pipeline first (POST /jobs/cluster)`,
    );
  }
  return clustered.run_id;
}

function strideOf(paths: RunPaths): number {
  const stride = readMarker(paths.marker('detect_track'))?.params.stride;
  return typeof stride === 'number' ? stride : 1;
}

function carriedEdit(
  deps: ReviewDeps,
  prev: ReviewRow,
  fresh: ReviewState,
  runId: RunId,
  paths: RunPaths,
) {
  const old = JSON.parse(prev.state) as ReviewState;
  let oldTrackOf: (t: number) => number | undefined = (t) => t;
  if (prev.run_id !== runId) {
    const oldPaths = runPaths(deps.config.data_dir, prev.ep_id, prev.run_id);
    const map = mapTracks(
      readRunDetections(oldPaths),
      readRunDetections(paths),
      Math.max(strideOf(oldPaths), strideOf(paths)),
      deps.config.review.carry_over_min_iou,
    );
    oldTrackOf = (t) => map.get(t);
  }
  const faceKeys = new Set(
    readRunFaces(paths)
      .filter((f) => f.embedding_row !== null)
      .map((f) => `${f.track_id}:${f.frame_idx}`),
  );
  const work = carryOver(old, fresh, oldTrackOf, faceKeys);
  if (isEmptyWork(work)) {
    return null;
  }
  const edit = {
    kind: 'carry_over' as const,
    from: { review_id: prev.review_id, run_id: prev.run_id, version: prev.version },
    ...work,
  };
  const state = applyEdit(fresh, edit, { by: SYSTEM_REVIEWER, at: new Date().toISOString() });
  const { kind, ...payload } = edit;
  return {
    kind,
    payload,
    reviewer: SYSTEM_REVIEWER,
    state: JSON.stringify(state),
    castRefs: castRefsOf(state),
  };
}

/**
 * Opens (creating when needed) the review of an episode's run.
 * @param deps - config and database
 * @param target - episode and optional run
 * @returns the review and its state
 * @throws InputError (`INPUT_INVALID`) for a bad id; NotFoundError (`NOT_FOUND`) for an unknown episode or a run
 *   of another episode; ConflictError (`CONFLICT`) when the run's cluster stage has not succeeded
 */
export async function openReview(deps: ReviewDeps, target: ReviewTarget): Promise<OpenReview> {
  const epId = parseEpisodeId(target.epId);
  const episode = await getEpisode(deps.db, epId);
  if (!episode) {
    throw new NotFoundError(
      `Episode ${epId} is not registered: create it with POST /episodes first`,
    );
  }
  const runId = await pickRun(deps, epId, target.runId);
  const paths = runPaths(deps.config.data_dir, epId, runId);
  const clusteringId = clusterMarkerId(paths);
  if (clusteringId === null) {
    throw new ConflictError(
      `Run ${runId} of ${epId} has no successful cluster stage: run cluster first (POST /jobs/cluster)`,
    );
  }
  let review = await findReview(deps.db, runId, clusteringId);
  if (!review) {
    const fresh = initialState(readReviewBase(paths));
    const prev = await latestEditedReview(deps.db, epId, -1);
    review = await createReview(
      deps.db,
      {
        ep_id: epId,
        run_id: runId,
        clustering_id: clusteringId,
        state: JSON.stringify(fresh),
        carried_from: prev?.review_id ?? null,
      },
      prev ? carriedEdit(deps, prev, fresh, runId, paths) : null,
    );
  }
  return {
    epId,
    showId: episode.show_id,
    runId,
    paths,
    review,
    state: JSON.parse(review.state) as ReviewState,
  };
}
