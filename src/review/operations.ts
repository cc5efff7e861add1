/**
 * @module The long review operations, run by the jobs layer in either execution mode: refresh similarity
 * (centroids, cohesion, suggestions), auto-group (propose, optionally merge), batch assign (explicit, or accepting
 * suggestions down to a tier), cleanup (cleanup.ts: preview, optionally apply). Each reports progress through a callback that may throw to cancel, and stores its
 * result in the database so that any API process can serve it.
 */
import { z } from 'zod';
import {
  getReviewResult,
  saveCastCentroids,
  saveReviewResult,
  type ReviewResult,
} from '../store/index.ts';
import { cannotLinkIdentities, groupIdentities, type IdentityGroup } from './auto-group.ts';
import { castCentroids, identityCentroids } from './centroids.ts';
import { CLEANUP_PRESETS, runCleanup } from './cleanup.ts';
import { editReview } from './edits.ts';
import { coOccurringTracks } from './run-data.ts';
import { openReview, type ReviewDeps, type ReviewTarget } from './session.ts';
import { castIdSchema, identityIdSchema } from './state.ts';
import { rankCast, suggestionContext, TIERS, type Suggestion } from './suggestions.ts';

/** The long operations. */
export const REVIEW_OPERATIONS = [
  'refresh_similarity',
  'group',
  'batch_assign',
  'cleanup',
] as const;

/** A long operation. */
export type ReviewOperation = (typeof REVIEW_OPERATIONS)[number];

/** Parameters of each operation (the request body less `execution_mode`). */
export const operationParamsSchemas = {
  refresh_similarity: z.object({}).strict(),
  group: z
    .object({
      min_similarity: z
        .number()
        .min(-1)
        .max(1)
        .optional()
        .describe(
          'Least average cosine similarity of a group; default: config.review.auto_group_min_similarity',
        ),
      apply: z
        .boolean()
        .default(false)
        .describe('Merge each proposed group into its largest identity'),
    })
    .strict(),
  batch_assign: z
    .object({
      assignments: z
        .array(z.object({ identity_id: identityIdSchema, cast_id: castIdSchema }))
        .default([])
        .describe('Explicit assignments'),
      accept_tier: z
        .enum(['auto', 'high', 'medium'])
        .optional()
        .describe(
          'Also assign each unassigned identity its top suggestion when at least this tier',
        ),
      expected_version: z.number().int().min(0).optional(),
    })
    .strict(),
  cleanup: z
    .object({
      preset: z
        .enum(CLEANUP_PRESETS)
        .describe(
          'quick: cut tracks holding two people; standard: also re-embed, re-cluster unassigned tracks and group',
        ),
      apply: z
        .boolean()
        .default(false)
        .describe(
          'false: preview only (nothing written); true: store the edits and cleanup_report.json',
        ),
      expected_version: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe("The preview's version_before: 409 when the review moved on since the preview"),
    })
    .strict(),
} satisfies Record<ReviewOperation, z.ZodType>;

/** Parameters of one operation. */
export type OperationParams<O extends ReviewOperation> = z.infer<
  (typeof operationParamsSchemas)[O]
>;

/**
 * Progress callback: `done` of `total` units (identities); may be async (awaited before the operation goes on);
 * throws (or rejects) to stop the operation (cancel).
 */
export type ReportProgress = (done: number, total: number) => void | Promise<void>;

/** One identity of a similarity refresh. */
export interface IdentitySimilarity {
  /** Identity id. */
  identity_id: string;
  /** Cohesion of its track centroids, or null without any. */
  cohesion: number | null;
  /** Assigned cast member, or null. */
  cast_id: string | null;
  /** Ranked cast members (unassigned identities only). */
  suggestions: Suggestion[];
}

/**
 * Recomputes centroids, cohesion and suggestions of a review; stores them, and this episode's cast centroids.
 * @returns counts and the version they were computed at
 */
export async function refreshSimilarity(
  deps: ReviewDeps,
  target: ReviewTarget,
  report: ReportProgress,
): Promise<{ version: number; identities: number; suggested: number }> {
  const opened = await openReview(deps, target);
  const ctx = await suggestionContext(deps, opened);
  const centroids = identityCentroids(opened.state, ctx.tracks);
  const total = opened.state.identities.length;
  const rows: IdentitySimilarity[] = [];
  for (const [k, idn] of opened.state.identities.entries()) {
    await report(k, total);
    const c = centroids.get(idn.identity_id);
    rows.push({
      identity_id: idn.identity_id,
      cohesion: c?.cohesion ?? null,
      cast_id: idn.cast_id,
      suggestions:
        c && !idn.cast_id ? rankCast(c.vector, ctx.refs, ctx.cast, deps.config.review) : [],
    });
  }
  await report(total, total);
  const { review } = opened;
  await saveReviewResult(deps.db, review.review_id, 'similarity', review.version, {
    identities: rows,
  });
  const cast = castCentroids(opened.state, ctx.tracks);
  await saveCastCentroids(
    deps.db,
    opened.showId,
    opened.epId,
    [...cast].map(([castId, c]) => ({
      cast_id: castId,
      review_id: review.review_id,
      version: review.version,
      faces: c.faces,
      centroid: c.vector,
    })),
  );
  return {
    version: review.version,
    identities: rows.length,
    suggested: rows.filter((r) => r.suggestions.length > 0).length,
  };
}

/**
 * Proposes groups of identities; with `apply`, merges each group into its largest identity (one edit per group).
 * @returns the groups and the review version after any merge
 */
export async function proposeGroups(
  deps: ReviewDeps,
  target: ReviewTarget,
  params: OperationParams<'group'>,
  reviewer: string,
  report: ReportProgress,
): Promise<{ version: number; min_similarity: number; groups: IdentityGroup[]; merged: number }> {
  const opened = await openReview(deps, target);
  const ctx = await suggestionContext(deps, opened);
  const minSimilarity = params.min_similarity ?? deps.config.review.auto_group_min_similarity;
  const faces = new Map(opened.state.identities.map((i) => [i.identity_id, i.faces]));
  const groups = groupIdentities(
    [...identityCentroids(opened.state, ctx.tracks).values()],
    minSimilarity,
    cannotLinkIdentities(opened.state, coOccurringTracks(opened.paths, opened.state)),
    (id) => faces.get(id) ?? 0,
  );
  let version = opened.review.version;
  await saveReviewResult(deps.db, opened.review.review_id, 'groups', version, {
    min_similarity: minSimilarity,
    groups,
  });
  let merged = 0;
  if (params.apply) {
    const assigned = new Set(
      opened.state.identities.filter((i) => i.cast_id).map((i) => i.identity_id),
    );
    for (const [k, g] of groups.entries()) {
      await report(k, groups.length);
      const targetId = g.identity_ids.find((id) => assigned.has(id)) ?? g.identity_ids[0]!;
      const sources = g.identity_ids.filter((id) => id !== targetId);
      version = (
        await editReview(
          deps,
          { epId: opened.epId, runId: opened.runId },
          { kind: 'merge', source_ids: sources, target_id: targetId },
          { reviewer },
        )
      ).version;
      merged += sources.length;
    }
  }
  await report(groups.length, groups.length);
  return { version, min_similarity: minSimilarity, groups, merged };
}

/**
 * Assigns many identities in one edit: the explicit assignments, plus (with `accept_tier`) each unassigned
 * identity's top suggestion of that tier or better.
 * @returns what was assigned and the version after (unchanged when nothing was)
 */
export async function batchAssign(
  deps: ReviewDeps,
  target: ReviewTarget,
  params: OperationParams<'batch_assign'>,
  reviewer: string,
  report: ReportProgress,
): Promise<{
  version: number;
  assigned: { identity_id: string; cast_id: string; tier: string | null }[];
}> {
  const opened = await openReview(deps, target);
  const chosen = new Map(
    params.assignments.map((a) => [
      a.identity_id,
      { cast_id: a.cast_id, tier: null as string | null },
    ]),
  );
  if (params.accept_tier) {
    const ctx = await suggestionContext(deps, opened);
    const centroids = identityCentroids(opened.state, ctx.tracks);
    const worst = TIERS.indexOf(params.accept_tier);
    const open = opened.state.identities.filter((i) => !i.cast_id && !chosen.has(i.identity_id));
    for (const [k, idn] of open.entries()) {
      await report(k, open.length);
      const c = centroids.get(idn.identity_id);
      const [top] = c ? rankCast(c.vector, ctx.refs, ctx.cast, deps.config.review) : [];
      if (top && TIERS.indexOf(top.tier) <= worst) {
        chosen.set(idn.identity_id, { cast_id: top.cast_id, tier: top.tier });
      }
    }
  }
  const assigned = [...chosen].map(([identityId, a]) => ({ identity_id: identityId, ...a }));
  await report(1, 1);
  if (assigned.length === 0) {
    return { version: opened.review.version, assigned };
  }
  const outcome = await editReview(
    deps,
    { epId: opened.epId, runId: opened.runId },
    {
      kind: 'assign',
      assignments: assigned.map(({ identity_id, cast_id }) => ({ identity_id, cast_id })),
    },
    { reviewer, expectedVersion: params.expected_version ?? null },
  );
  return { version: outcome.version, assigned };
}

/**
 * Runs one operation.
 * @param deps - config and database
 * @param operation - which
 * @param target - episode and run
 * @param params - its parameters (validated here)
 * @param reviewer - who asked
 * @param report - progress; throws to cancel
 * @returns the operation's result (async)
 * @throws (rejects with) ZodError for bad parameters; whatever the operation throws
 */
export function runReviewOperation(
  deps: ReviewDeps,
  operation: ReviewOperation,
  target: ReviewTarget,
  params: unknown,
  reviewer: string,
  report: ReportProgress,
): Promise<unknown> {
  switch (operation) {
    case 'refresh_similarity':
      return refreshSimilarity(deps, target, report);
    case 'group':
      return proposeGroups(
        deps,
        target,
        operationParamsSchemas.group.parse(params),
        reviewer,
        report,
      );
    case 'batch_assign':
      return batchAssign(
        deps,
        target,
        operationParamsSchemas.batch_assign.parse(params),
        reviewer,
        report,
      );
    case 'cleanup':
      return runCleanup(
        deps,
        target,
        operationParamsSchemas.cleanup.parse(params),
        reviewer,
        report,
      );
  }
}

/**
 * @returns the stored result of the review's last similarity refresh or auto-group, with `stale` when the review
 *   moved on since, or null when it never ran
 */
export async function storedResult(
  deps: ReviewDeps,
  target: ReviewTarget,
  kind: 'similarity' | 'groups',
): Promise<(ReviewResult & { run_id: string; stale: boolean }) | null> {
  const opened = await openReview(deps, target);
  const row = await getReviewResult(deps.db, opened.review.review_id, kind);
  return row
    ? { ...row, run_id: opened.runId, stale: row.version !== opened.review.version }
    : null;
}
