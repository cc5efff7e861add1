/**
 * @module Season routes: a season's screen time (per cast member per episode, totals, co-appearance, review state),
 * its CSV / XLSX / PDF exports as downloads, an episode's "who is on screen" WebVTT track, and the episode's video
 * with HTTP range requests (served by `@fastify/send`, the library under `@fastify/static`).
 */
import { basename, dirname } from 'node:path';
import send from '@fastify/send';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';
import { videoMeta } from '../../jobs/index.ts';
import { episodeCastScreentime } from '../../pipeline/index.ts';
import {
  castVtt,
  exportSeason,
  SEASON_EXPORT_FORMATS,
  SEASON_EXPORT_TYPES,
  seasonFileName,
  seasonScreentime,
} from '../../report/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { epPath, runQuery, showIdSchema, targetOf } from './review-common.ts';

const seasonPath = z.object({
  show: showIdSchema,
  season: z.coerce.number().int().min(0).max(99).describe('Season number'),
});

/**
 * Registers the season, WebVTT and video routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function seasonRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  app.get(
    '/shows/:show/seasons/:season',
    {
      schema: {
        tags: ['seasons'],
        summary:
          'Screen time of a season: cast x episode seconds, totals, co-appearance, review state',
        params: seasonPath,
      },
      config: { action: 'compute the season screen time' },
    },
    async (request, reply) => {
      const { show, season } = request.params;
      const screentime = await seasonScreentime(ctx, show, season);
      return reply.header('cache-control', 'no-cache').send(screentime);
    },
  );

  for (const ext of SEASON_EXPORT_FORMATS) {
    app.get(
      `/shows/:show/seasons/:season/export.${ext}`,
      {
        schema: {
          tags: ['seasons'],
          summary: `Season screen time as ${ext.toUpperCase()} (download)`,
          params: seasonPath,
        },
        config: { action: `export the season as ${ext}` },
      },
      async (request, reply) => {
        const { show, season } = request.params;
        const body = await exportSeason(await seasonScreentime(ctx, show, season), ext);
        return reply
          .type(SEASON_EXPORT_TYPES[ext])
          .header('cache-control', 'no-cache')
          .header(
            'content-disposition',
            `attachment; filename="${seasonFileName(show, season, ext)}"`,
          )
          .send(body);
      },
    );
  }

  app.get(
    '/episodes/:ep_id/screentime/cast.vtt',
    {
      schema: {
        tags: ['screentime'],
        summary: 'WebVTT track of the cast members on screen (live from the review)',
        params: epPath,
        querystring: runQuery,
      },
      config: { action: 'make the WebVTT track' },
    },
    async (request, reply) => {
      const live = await episodeCastScreentime(
        ctx,
        targetOf(request.params.ep_id, request.query.run_id),
      );
      return reply
        .type('text/vtt; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-review-version', String(live.review?.version ?? 0))
        .send(castVtt(live));
    },
  );

  app.get(
    '/episodes/:ep_id/video',
    {
      schema: {
        tags: ['episodes'],
        summary: 'The episode video (HTTP range requests: 206 Partial Content)',
        params: epPath,
      },
      config: { action: 'send the video' },
    },
    async (request, reply) => {
      const { ep_id: epId } = request.params;
      const path = (await videoMeta(ctx, epId)).video_path;
      // root = its folder, so dot-folders above it (e.g. a hidden data dir) are not refused as dotfiles.
      const out = await send(request.raw, `/${basename(path)}`, {
        root: dirname(path),
        acceptRanges: true,
        cacheControl: false,
        dotfiles: 'allow',
      });
      if (out.type !== 'file' && (out.statusCode === 404 || out.type === 'directory')) {
        throw new NotFoundError(
          `The video of ${epId} is gone (${path}): register it again with POST /episodes/${epId}/video`,
        );
      }
      return reply.code(out.statusCode).headers(out.headers).send(out.stream);
    },
  );
}
