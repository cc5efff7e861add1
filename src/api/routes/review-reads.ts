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

/**
 * Registers the review read routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function reviewReadRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const tags = ['review'];

  app.get(
    '/episodes/:ep_id/review',
    {
      schema: {
        tags,
        summary: 'Review summary: version, counts, conflicts',
        params: epPath,
        querystring: runQuery,
      },
      config: { action: 'read the review' },
    },
    (request) => reviewSummary(ctx, targetOf(request.params.ep_id, request.query.run_id)),
  );

  app.get(
    '/episodes/:ep_id/identities',
    {
      schema: {
        tags,
        summary: 'Effective identities (after merges, moves, splits), one page',
        params: epPath,
        querystring: runQuery.merge(pageQuery).extend({
          filter: z.enum(['all', 'assigned', 'unassigned']).optional(),
          cast_id: castIdSchema.optional(),
        }),
      },
      config: { action: 'list the identities' },
    },
    (request) => {
      const { run_id: runId, filter, cast_id: castId, ...page } = request.query;
      const out = listIdentities(ctx, targetOf(request.params.ep_id, runId), {
        ...page,
        filter,
        castId,
      });
      return { ...out, items: out.items.map(withThumb(out.ep_id, out.run_id)) };
    },
  );

  app.get(
    '/episodes/:ep_id/identities/:identity_id',
    {
      schema: {
        tags,
        summary: 'One identity with fresh suggestions',
        params: identityPath,
        querystring: runQuery,
      },
      config: { action: 'read the identity' },
    },
    (request) => {
      const { ep_id: epId, identity_id: identityId } = request.params;
      const target = targetOf(epId, request.query.run_id);
      const idn = getIdentity(ctx, target, identityId);
      const sugg = identitySuggestions(ctx, target, identityId);
      return {
        ...withThumb(idn.ep_id, idn.run_id)(idn),
        centroid_cohesion: sugg.cohesion,
        suggestions: sugg.suggestions,
      };
    },
  );

  app.get(
    '/episodes/:ep_id/identities/:identity_id/suggestions',
    {
      schema: {
        tags,
        summary: 'Cast members ranked for one identity, computed now',
        params: identityPath,
        querystring: runQuery,
      },
      config: { action: 'suggest cast members' },
    },
    (request) =>
      identitySuggestions(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
        request.params.identity_id,
      ),
  );

  app.get(
    '/episodes/:ep_id/identities/:identity_id/tracks',
    {
      schema: {
        tags,
        summary: 'Tracks of an identity, one page',
        params: identityPath,
        querystring: runQuery.merge(pageQuery),
      },
      config: { action: 'list the tracks' },
    },
    (request) => {
      const { run_id: runId, ...page } = request.query;
      const out = listIdentityTracks(
        ctx,
        targetOf(request.params.ep_id, runId),
        request.params.identity_id,
        page,
      );
      return {
        ...out,
        items: out.items.map((t) => ({
          ...t,
          thumb_url: runImageUrl(out.ep_id, out.run_id, t.thumb),
        })),
      };
    },
  );

  app.get(
    '/episodes/:ep_id/tracks/:track_id/faces',
    {
      schema: {
        tags,
        summary: 'Face samples of a track, with crop URLs and exclusions',
        params: z.object({ ep_id: epIdSchema, track_id: z.coerce.number().pipe(trackIdSchema) }),
        querystring: runQuery,
      },
      config: { action: 'list the face samples' },
    },
    (request) => {
      const out = listTrackFaces(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
        request.params.track_id,
      );
      return {
        ...out,
        items: out.items.map((f) => ({
          ...f,
          crop_url: runImageUrl(out.ep_id, out.run_id, f.crop),
        })),
      };
    },
  );

  app.get(
    '/episodes/:ep_id/edits',
    {
      schema: {
        tags,
        summary: 'Edit log, newest first, one page',
        params: epPath,
        querystring: runQuery.merge(pageQuery),
      },
      config: { action: 'read the edit log' },
    },
    (request) => {
      const { run_id: runId, ...page } = request.query;
      return listEditLog(ctx, targetOf(request.params.ep_id, runId), page);
    },
  );

  app.get(
    '/episodes/:ep_id/conflicts',
    {
      schema: {
        tags,
        summary: 'Identities whose tracks carried several cast members before re-clustering',
        params: epPath,
        querystring: runQuery,
      },
      config: { action: 'list the conflicts' },
    },
    (request) => {
      const s = reviewSummary(ctx, targetOf(request.params.ep_id, request.query.run_id));
      return { ep_id: s.ep_id, run_id: s.run_id, version: s.version, items: s.conflicts };
    },
  );

  app.get(
    '/episodes/:ep_id/suggestions',
    {
      schema: {
        tags,
        summary: 'Result of the last similarity refresh, one page',
        params: epPath,
        querystring: runQuery.merge(pageQuery),
      },
      config: { action: 'read the suggestions' },
    },
    (request) => {
      const { run_id: runId, ...page } = request.query;
      const stored = storedResult(ctx, targetOf(request.params.ep_id, runId), 'similarity');
      const rows = stored ? (stored.result as { identities: IdentitySimilarity[] }).identities : [];
      return {
        ep_id: request.params.ep_id,
        run_id: stored?.run_id ?? null,
        computed_at: stored?.computed_at ?? null,
        version: stored?.version ?? null,
        stale: stored?.stale ?? true,
        ...pageOf(rows, ctx.config.review, page),
      };
    },
  );

  app.get(
    '/episodes/:ep_id/clusters/groups',
    {
      schema: { tags, summary: 'Last auto-group proposal', params: epPath, querystring: runQuery },
      config: { action: 'read the groups' },
    },
    (request) => {
      const stored = storedResult(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
        'groups',
      );
      const result = stored?.result ?? { min_similarity: null, groups: [] };
      return {
        ep_id: request.params.ep_id,
        run_id: stored?.run_id ?? null,
        computed_at: stored?.computed_at ?? null,
        version: stored?.version ?? null,
        stale: stored?.stale ?? true,
        ...result,
      };
    },
  );
}
