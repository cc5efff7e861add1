/**
 * @module A reviewer's edits: each one is checked against the review as it is inside one serialised transaction
 * (so two reviewers never overwrite each other: both edits land, or the later one is refused with a 409 naming the
 * edit it collides with), appended to the log with who and when, and folded into the state. Undo marks the last
 * edits of the episode undone and replays the rest.
 */
import { InputError, NotFoundError } from '../errors.ts';
import {
  activeEdits,
  appendReviewEdit,
  requireCastMember,
  type Db,
  type EditRow,
} from '../store/index.ts';
import { applyEdit, initialState } from './apply.ts';
import { castIdsOf, planEdit, type EditRequest } from './plan.ts';
import { readReviewBase, readRunFaces } from './run-data.ts';
import { openReview, type OpenReview, type ReviewDeps, type ReviewTarget } from './session.ts';
import {
  castRefsOf,
  editSchema,
  type Edit,
  type ReviewIdentity,
  type ReviewState,
} from './state.ts';

/** Who edits, and against which version. */
export interface EditOptions {
  /** Reviewer (default: `config.review.default_reviewer`). */
  reviewer?: string;
  /** The version the reviewer last read; the edit is refused (409) when the review moved on. Null: no check. */
  expectedVersion?: number | null;
}

/** What an edit gives back. */
export interface EditOutcome {
  /** Episode id. */
  ep_id: string;
  /** Run id. */
  run_id: string;
  /** Review version after the edit. */
  version: number;
  /** The stored edit. */
  edit: EditRow;
  /** Identities the edit created or changed (removed ones are absent). */
  identities: ReviewIdentity[];
  /** The state after the edit. */
  state: ReviewState;
}

function changedIdentities(before: ReviewState, after: ReviewState): ReviewIdentity[] {
  const prev = new Map(before.identities.map((i) => [i.identity_id, JSON.stringify(i)]));
  return after.identities.filter((i) => prev.get(i.identity_id) !== JSON.stringify(i));
}

async function commit(
  deps: ReviewDeps,
  opened: OpenReview,
  opts: EditOptions,
  build: (
    state: ReviewState,
    at: string,
    by: string,
    tx: Db,
  ) =>
    | { edit: Edit; state: ReviewState; undoSeqs?: number[] }
    | Promise<{ edit: Edit; state: ReviewState; undoSeqs?: number[] }>,
): Promise<EditOutcome> {
  const reviewer = opts.reviewer ?? deps.config.review.default_reviewer;
  let before: ReviewState = opened.state;
  let after: ReviewState = opened.state;
  const now = new Date();
  const { review, edit } = await appendReviewEdit(
    deps.db,
    opened.review.review_id,
    opts.expectedVersion ?? null,
    async (row, tx) => {
      before = JSON.parse(row.state) as ReviewState;
      const built = await build(before, now.toISOString(), reviewer, tx);
      after = built.state;
      const { kind, ...payload } = built.edit;
      return {
        kind,
        payload,
        reviewer,
        undoSeqs: built.undoSeqs,
        state: JSON.stringify(after),
        castRefs: castRefsOf(after),
      };
    },
    now,
  );
  return {
    ep_id: opened.epId,
    run_id: opened.runId,
    version: review.version,
    edit,
    identities: changedIdentities(before, after),
    state: after,
  };
}

/**
 * Applies one edit to the review of an episode's run.
 * @param deps - config and database
 * @param target - episode and optional run
 * @param request - the edit
 * @param opts - reviewer, expected version
 * @returns the stored edit, the new version and the identities it changed
 * @throws NotFoundError for an unknown episode, run, identity, track, face sample or cast member; ConflictError
 *   when the version moved on since `expectedVersion` or an identity was removed by another edit; InputError for
 *   an edit that makes no sense (merge into itself, ...)
 */
export async function editReview(
  deps: ReviewDeps,
  target: ReviewTarget,
  request: EditRequest,
  opts: EditOptions = {},
): Promise<EditOutcome> {
  const opened = await openReview(deps, target);
  for (const castId of castIdsOf(request)) {
    await requireCastMember(deps.db, opened.showId, castId);
  }
  if (request.kind === 'exclude_face') {
    const has = readRunFaces(opened.paths).some(
      (f) => f.track_id === request.track_id && f.frame_idx === request.frame_idx,
    );
    if (!has) {
      throw new NotFoundError(
        `Track ${request.track_id} has no face sample at frame ${request.frame_idx}: list them with GET /episodes/${opened.epId}/tracks/${request.track_id}/faces`,
      );
    }
  }
  return commit(deps, opened, opts, (state, at, by) => {
    const edit = planEdit(state, request);
    return { edit, state: applyEdit(state, edit, { by, at }) };
  });
}

/**
 * Undoes the last `count` edits of the review (anyone's; undo edits themselves are skipped), by replaying the
 * edits before them on the clustering output. The undo is an edit too (who and when are recorded).
 * @param deps - config and database
 * @param target - episode and optional run
 * @param count - number of edits to undo (at least 1)
 * @param opts - reviewer, expected version
 * @throws InputError when there is nothing to undo; ConflictError when the version moved on
 */
export async function undoEdits(
  deps: ReviewDeps,
  target: ReviewTarget,
  count: number,
  opts: EditOptions = {},
): Promise<EditOutcome> {
  const opened = await openReview(deps, target);
  const base = initialState(readReviewBase(opened.paths));
  return commit(deps, opened, opts, async (_state, _at, _by, tx) => {
    const active = await activeEdits(tx, opened.review.review_id);
    if (active.length === 0) {
      throw new InputError(`Nothing to undo in ${opened.epId}: the review has no edit in force`);
    }
    const undone = active.slice(-count);
    const kept = active.slice(0, active.length - undone.length);
    let state = base;
    for (const row of kept) {
      const edit = editSchema.parse({ ...(row.payload as object), kind: row.kind });
      state = applyEdit(state, edit, { by: row.reviewer, at: row.created_at });
    }
    const seqs = undone.map((e) => e.seq);
    return { edit: { kind: 'undo', seqs }, state, undoSeqs: seqs };
  });
}
