/**
 * @module Review read routes: summary, identities (paged, with thumbnail URLs), an identity with fresh
 * suggestions, its tracks, a track's face samples, the edit log, re-clustering conflicts, and the stored results of
 * the last similarity refresh and auto-group.
 */
import { z } from 'zod';
import {
  castIdSchema,
  getIdentity,
  identitySuggestions,
  listEditLog,
  listIdentities,
  listIdentityTracks,
  listTrackFaces,
  pageOf,
  reviewSummary,
  storedResult,
  trackIdSchema,
  type IdentitySimilarity,
  type IdentityView,
} from '../../review/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { epIdSchema } from '../schemas.ts';
import {
  epPath,
  identityPath,
  pageQuery,
  runImageUrl,
  runQuery,
  targetOf,
} from './review-common.ts';

const withThumb = (epId: string, runId: string) => (i: IdentityView) => ({
  ...i,
  thumb_url: i.thumb ? runImageUrl(epId, runId, i.thumb) : null,
});

/** A page with each item mapped (an image URL added); the other fields kept. */
const mapItems = <P extends { items: unknown[] }, U>(
  out: P,
  toItem: (item: P['items'][number]) => U,
) => ({ ...out, items: out.items.map(toItem) });

/** The fields a stored result's reply starts with; `stale` is true when none is stored. */
const storedMeta = (epId: string, stored: Awaited<ReturnType<typeof storedResult>>) => ({
  ep_id: epId,
  run_id: stored?.run_id ?? null,
  computed_at: stored?.computed_at ?? null,
  version: stored?.version ?? null,
  stale: stored?.stale ?? true,
});

/** Route options of a read: OpenAPI summary, path and query schemas, and the action a 500 names. */
const readRoute = <P extends z.ZodType, Q extends z.ZodType>(
  summary: string,
  params: P,
  querystring: Q,
  action: string,
) => ({ schema: { tags: ['review'], summary, params, querystring }, config: { action } });

/**
 * Registers the review read routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function reviewReadRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  app.get(
    '/episodes/:ep_id/review',
    readRoute('Review summary: version, counts, conflicts', epPath, runQuery, 'read the review'),
    (request) => reviewSummary(ctx, targetOf(request.params.ep_id, request.query.run_id)),
  );

  app.get(
    '/episodes/:ep_id/identities',
    readRoute(
      'Effective identities (after merges, moves, splits), one page',
      epPath,
      runQuery.merge(pageQuery).extend({
        filter: z.enum(['all', 'assigned', 'unassigned']).optional(),
        cast_id: castIdSchema.optional(),
      }),
      'list the identities',
    ),
    async (request) => {
      const { run_id: runId, filter, cast_id: castId, ...page } = request.query;
      const out = await listIdentities(ctx, targetOf(request.params.ep_id, runId), {
        ...page,
        filter,
        castId,
      });
      return mapItems(out, withThumb(out.ep_id, out.run_id));
    },
  );

  app.get(
    '/episodes/:ep_id/identities/:identity_id',
    readRoute('One identity with fresh suggestions', identityPath, runQuery, 'read the identity'),
    async (request) => {
      const { ep_id: epId, identity_id: identityId } = request.params;
      const target = targetOf(epId, request.query.run_id);
      const idn = await getIdentity(ctx, target, identityId);
      const sugg = await identitySuggestions(ctx, target, identityId);
      return {
        ...withThumb(idn.ep_id, idn.run_id)(idn),
        centroid_cohesion: sugg.cohesion,
        suggestions: sugg.suggestions,
      };
    },
  );

  app.get(
    '/episodes/:ep_id/identities/:identity_id/suggestions',
    readRoute(
      'Cast members ranked for one identity, computed now',
      identityPath,
      runQuery,
      'suggest cast members',
    ),
    (request) =>
      identitySuggestions(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
        request.params.identity_id,
      ),
  );

  app.get(
    '/episodes/:ep_id/identities/:identity_id/tracks',
    readRoute(
      'Tracks of an identity, one page',
      identityPath,
      runQuery.merge(pageQuery),
      'list the tracks',
    ),
    async (request) => {
      const { run_id: runId, ...page } = request.query;
      const out = await listIdentityTracks(
        ctx,
        targetOf(request.params.ep_id, runId),
        request.params.identity_id,
        page,
      );
      return mapItems(out, (t) => ({
        ...t,
        thumb_url: runImageUrl(out.ep_id, out.run_id, t.thumb),
      }));
    },
  );

  app.get(
    '/episodes/:ep_id/tracks/:track_id/faces',
    readRoute(
      'Face samples of a track, with crop URLs and exclusions',
      z.object({ ep_id: epIdSchema, track_id: z.coerce.number().pipe(trackIdSchema) }),
      runQuery,
      'list the face samples',
    ),
    async (request) => {
      const out = await listTrackFaces(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
        request.params.track_id,
      );
      return mapItems(out, (f) => ({
        ...f,
        crop_url: runImageUrl(out.ep_id, out.run_id, f.crop),
      }));
    },
  );

  app.get(
    '/episodes/:ep_id/edits',
    readRoute(
      'Edit log, newest first, one page',
      epPath,
      runQuery.merge(pageQuery),
      'read the edit log',
    ),
    (request) => {
      const { run_id: runId, ...page } = request.query;
      return listEditLog(ctx, targetOf(request.params.ep_id, runId), page);
    },
  );

  app.get(
    '/episodes/:ep_id/conflicts',
    readRoute(
      'Identities whose tracks carried several cast members before re-clustering',
      epPath,
      runQuery,
      'list the conflicts',
    ),
    async (request) => {
      const s = await reviewSummary(ctx, targetOf(request.params.ep_id, request.query.run_id));
      return { ep_id: s.ep_id, run_id: s.run_id, version: s.version, items: s.conflicts };
    },
  );

  app.get(
    '/episodes/:ep_id/suggestions',
    readRoute(
      'Result of the last similarity refresh, one page',
      epPath,
      runQuery.merge(pageQuery),
      'read the suggestions',
    ),
    async (request) => {
      const { run_id: runId, ...page } = request.query;
      const stored = await storedResult(ctx, targetOf(request.params.ep_id, runId), 'similarity');
      const rows = stored ? (stored.result as { identities: IdentitySimilarity[] }).identities : [];
      return {
        ...storedMeta(request.params.ep_id, stored),
        ...pageOf(rows, ctx.config.review, page),
      };
    },
  );

  app.get(
    '/episodes/:ep_id/clusters/groups',
    readRoute('Last auto-group proposal', epPath, runQuery, 'read the groups'),
    async (request) => {
      const stored = await storedResult(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
        'groups',
      );
      const result = stored?.result ?? { min_similarity: null, groups: [] };
      return { ...storedMeta(request.params.ep_id, stored), ...result };
    },
  );
}
