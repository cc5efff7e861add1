/**
 * @module Live screen time: the `screentime.json` shape computed from the review as it is now (milliseconds for an
 * episode), so that a reviewer's edit changes per-cast seconds at once, without re-running the `screentime` stage.
 * Answers carry the review version they reflect.
 */
import { ConflictError } from '../../errors.ts';
import { openReview, type ReviewDeps, type ReviewTarget } from '../../review/index.ts';
import { listCastMembers, readSource, sourceJson } from '../../store/index.ts';
import { computeScreentime, type ScreentimeFile } from './index.ts';

/**
 * Screen time of an episode's run under its current review.
 * @param deps - config (`data_dir`, `screentime.gap_tolerance_s`) and database
 * @param target - episode and optional run (default: the newest clustered run)
 * @returns the `screentime.json` shape; `review` names the review id and version it reflects
 * @throws NotFoundError for an unknown episode or run, or when `tracks.jsonl` is missing; ConflictError when the
 *   run has no successful cluster or the episode has no `source.json`
 */
export async function episodeCastScreentime(
  deps: ReviewDeps,
  target: ReviewTarget,
): Promise<ScreentimeFile> {
  const opened = await openReview(deps, target);
  const source = readSource(sourceJson(deps.config.data_dir, opened.epId));
  if (!source) {
    throw new ConflictError(`Episode ${opened.epId} has no source.json: register its video again`);
  }
  const names = new Map(
    (await listCastMembers(deps.db, opened.showId)).items.map((c) => [c.cast_id, c.name]),
  );
  return computeScreentime(
    {
      state: opened.state,
      names,
      review: { review_id: opened.review.review_id, version: opened.review.version },
    },
    {
      epId: opened.epId,
      runId: opened.runId,
      paths: opened.paths,
      durationS: source.probe.duration_s,
      fps: source.probe.fps,
      gapS: deps.config.screentime.gap_tolerance_s,
    },
  );
}
