/**
 * @module Auto-assignment: after `cluster`, and again whenever the show's facebank changes, each unassigned
 * identity of an episode is named with its top suggestion (facebank, earlier episodes' cast centroids, this
 * episode's assigned identities) when that suggestion is at least `config.review.auto_assign_tier`. All of one
 * episode's names go in one undoable `assign` edit by `system`. Two identities seen in one analysed frame never get
 * the same cast member: the more similar keeps it, the other stays a suggestion. An identity a person has touched
 * (assigned, unassigned, merged, moved, split, or undid the system's assignment of) is never auto-assigned.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import { listEdits, listEpisodes, type EditRow } from '../store/index.ts';
import { cannotLinkIdentities } from './auto-group.ts';
import { identityCentroids } from './centroids.ts';
import { editReview } from './edits.ts';
import { coOccurringTracks } from './run-data.ts';
import { openReview, SYSTEM_REVIEWER, type ReviewDeps, type ReviewTarget } from './session.ts';
import { rankCast, suggestionContext, TIERS, type Tier } from './suggestions.ts';

/** The least tier applied automatically, or `off`. */
export type AutoAssignTier = 'auto' | 'high' | 'off';

/** One identity named (or left as a suggestion) by auto-assignment. */
export interface AutoAssignment {
  /** Identity id. */
  identity_id: string;
  /** Cast member. */
  cast_id: string;
  /** Cast member's name. */
  name: string;
  /** Tier of the suggestion. */
  tier: Tier;
  /** Cosine similarity of the identity's centroid to the cast member's nearest reference, in [-1, 1]. */
  similarity: number;
}

/** What auto-assignment did to one episode's review. */
export interface AutoAssignResult {
  /** Episode id. */
  ep_id: string;
  /** Run id of the review. */
  run_id: string;
  /** Review version after the edit (unchanged when nothing was assigned). */
  version: number;
  /** Identities named, in the order they were decided (most similar first). */
  assigned: AutoAssignment[];
  /** Good-enough suggestions not applied: the cast member went to a more similar identity of the same frame. */
  kept_as_suggestion: AutoAssignment[];
}

/** Identity ids a payload of an edit names (assign, unassign, merge, move, split). */
function identitiesOf(payload: unknown): string[] {
  const p = payload as {
    assignments?: { identity_id: string }[];
    identity_ids?: string[];
    source_ids?: string[];
    target_id?: string;
    identity_id?: string;
    to_identity_id?: string;
  };
  return [
    ...(p.assignments ?? []).map((a) => a.identity_id),
    ...(p.identity_ids ?? []),
    ...(p.source_ids ?? []),
    ...[p.target_id, p.identity_id, p.to_identity_id].filter((x): x is string => !!x),
  ];
}

/**
 * Identities a person has edited in a review: named by a person's edit in force, or by a `system` edit that a
 * person undid. Auto-assignment and cleanup leave these alone.
 * @param edits - the review's edit log (every row, undone ones included)
 * @returns their identity ids
 */
export function personTouched(edits: readonly EditRow[]): Set<string> {
  const out = new Set<string>();
  for (const e of edits) {
    const byPerson = e.reviewer !== SYSTEM_REVIEWER;
    const inForceByPerson = byPerson && e.undone_at === null;
    const undoneByPerson = !byPerson && e.undone_by !== null && e.undone_by !== SYSTEM_REVIEWER;
    if (inForceByPerson || undoneByPerson) {
      identitiesOf(e.payload).forEach((id) => out.add(id));
    }
  }
  return out;
}

const rankOf = (tier: Tier): number => TIERS.indexOf(tier);

/**
 * Names the unassigned identities of one episode's run from its suggestions, as one `assign` edit by `system`.
 * @param deps - config (`review.auto_assign_tier`, tiers) and database
 * @param target - episode and optional run (default: the newest clustered run)
 * @param opts - `tier`: override of `config.review.auto_assign_tier`
 * @returns what was assigned and what stayed a suggestion (both empty with tier `off` or no cast member)
 * @throws NotFoundError for an unknown episode or run; ConflictError when the run has no successful cluster
 */
export async function autoAssign(
  deps: ReviewDeps,
  target: ReviewTarget,
  opts: { tier?: AutoAssignTier } = {},
): Promise<AutoAssignResult> {
  const tier = opts.tier ?? deps.config.review.auto_assign_tier;
  const opened = await openReview(deps, target);
  const result: AutoAssignResult = {
    ep_id: opened.epId,
    run_id: opened.runId,
    version: opened.review.version,
    assigned: [],
    kept_as_suggestion: [],
  };
  if (tier === 'off') {
    return result;
  }
  const ctx = await suggestionContext(deps, opened);
  if (ctx.cast.size === 0 || ctx.refs.length === 0) {
    return result;
  }
  const { items: edits } = await listEdits(deps.db, opened.review.review_id, {
    limit: 1e6,
    offset: 0,
  });
  const touched = personTouched(edits);
  const centroids = identityCentroids(opened.state, ctx.tracks);
  const candidates: AutoAssignment[] = [];
  for (const idn of opened.state.identities) {
    const c = centroids.get(idn.identity_id);
    if (idn.cast_id !== null || touched.has(idn.identity_id) || !c) {
      continue;
    }
    const top = rankCast(c.vector, ctx.refs, ctx.cast, deps.config.review)[0];
    if (top && rankOf(top.tier) <= rankOf(tier)) {
      candidates.push({ identity_id: idn.identity_id, ...top, tier: top.tier });
    }
  }
  candidates.sort((a, b) => b.similarity - a.similarity);
  const apart = cannotLinkIdentities(opened.state, coOccurringTracks(opened.paths, opened.state));
  const holders = new Map<string, string[]>();
  for (const idn of opened.state.identities) {
    if (idn.cast_id) {
      holders.set(idn.cast_id, [...(holders.get(idn.cast_id) ?? []), idn.identity_id]);
    }
  }
  for (const cand of candidates) {
    const others = holders.get(cand.cast_id) ?? [];
    const clash = others.some((o) =>
      apart.has(o < cand.identity_id ? `${o}|${cand.identity_id}` : `${cand.identity_id}|${o}`),
    );
    if (clash) {
      result.kept_as_suggestion.push(cand);
      continue;
    }
    holders.set(cand.cast_id, [...others, cand.identity_id]);
    result.assigned.push(cand);
  }
  if (result.assigned.length > 0) {
    result.version = (
      await editReview(
        deps,
        { epId: opened.epId, runId: opened.runId },
        {
          kind: 'assign',
          assignments: result.assigned.map((a) => ({
            identity_id: a.identity_id,
            cast_id: a.cast_id,
            tier: a.tier,
            similarity: a.similarity,
          })),
        },
        { reviewer: SYSTEM_REVIEWER, expectedVersion: opened.review.version },
      )
    ).version;
  }
  return result;
}

/**
 * Auto-assigns every episode of a show that has a clustered run (after a facebank change), in episode order so
 * that each episode can use the cast centroids of the ones before it.
 * @param deps - config and database
 * @param showId - show id
 * @returns one result per episode with a clustered run
 * @throws whatever the database throws; episodes without a clustered run are passed over
 */
export async function autoAssignShow(
  deps: ReviewDeps,
  showId: string,
): Promise<AutoAssignResult[]> {
  const out: AutoAssignResult[] = [];
  for (const ep of await listEpisodes(deps.db, { showId })) {
    try {
      out.push(await autoAssign(deps, { epId: ep.ep_id }));
    } catch (err) {
      // An episode that was never clustered (or whose run lost its artifacts) has nothing to name yet.
      if (!(err instanceof ConflictError || err instanceof NotFoundError)) {
        throw err;
      }
    }
  }
  return out;
}
