/**
 * @module Run images and screen-time exports: track thumbnails and aligned face crops (run artifacts never change,
 * so they are served with an ETag and `Cache-Control: immutable`, and `If-None-Match` gets a 304), and a run's
 * screen time (`screentime.json` shape, cast CSV and per-second cast timeline) computed live from the review.
 */
import { createReadStream, statSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';
import {
  episodeCastScreentime,
  screentimeCsvFiles,
  type ScreentimeFile,
} from '../../pipeline/index.ts';
import { runPaths } from '../../store/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { epIdSchema, runIdSchema } from '../schemas.ts';
import { epPath, runQuery, targetOf } from './review-common.ts';

/** Cache-Control of run artifacts, which are written once. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const idx = z.coerce.number().int().min(0);

/**
 * Sends a file with an ETag (size and mtime) and immutable caching; 304 when the client has it.
 * @throws NotFoundError when the file does not exist
 */
function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  type: string,
  what: string,
): FastifyReply {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) {
    throw new NotFoundError(
      `${what} does not exist: run the stage that writes it (faces_embed or detect_track)`,
    );
  }
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  reply.header('etag', etag).header('cache-control', IMMUTABLE);
  if (request.headers['if-none-match'] === etag) {
    return reply.code(304).send();
  }
  return reply.type(type).send(createReadStream(path));
}

/**
 * Registers the image and screen-time routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function reviewMediaRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const dataDir = ctx.config.data_dir;
  const runPath = { ep_id: epIdSchema, run_id: runIdSchema };

  app.get(
    '/episodes/:ep_id/runs/:run_id/thumbs/:file',
    {
      schema: {
        tags: ['images'],
        summary: 'Thumbnail of a track ({track_id}.webp)',
        params: z.object({
          ...runPath,
          file: z.string().regex(/^\d+\.webp$/, 'expected {track_id}.webp'),
        }),
      },
      config: { action: 'send the thumbnail' },
    },
    (request, reply) => {
      const { ep_id: epId, run_id: runId, file } = request.params;
      const path = runPaths(dataDir, epId, runId).thumb(Number(file.slice(0, -5)));
      return sendCached(request, reply, path, 'image/webp', `Thumbnail ${file} of run ${runId}`);
    },
  );

  app.get(
    '/episodes/:ep_id/runs/:run_id/crops/:track_id/:file',
    {
      schema: {
        tags: ['images'],
        summary: 'Aligned 112 x 112 face crop ({frame_idx}.jpg)',
        params: z.object({
          ...runPath,
          track_id: idx,
          file: z.string().regex(/^\d+\.jpg$/, 'expected {frame_idx}.jpg'),
        }),
      },
      config: { action: 'send the crop' },
    },
    (request, reply) => {
      const { ep_id: epId, run_id: runId, track_id: trackId, file } = request.params;
      const path = runPaths(dataDir, epId, runId).crop(trackId, Number(file.slice(0, -4)));
      return sendCached(
        request,
        reply,
        path,
        'image/jpeg',
        `Crop ${trackId}/${file} of run ${runId}`,
      );
    },
  );

  const exports = [
    { suffix: '', type: 'application/json', body: (f: ScreentimeFile) => f },
    {
      suffix: '/cast.csv',
      type: 'text/csv',
      body: (f: ScreentimeFile) => screentimeCsvFiles(f).castScreentime,
    },
    {
      suffix: '/cast_timeline.csv',
      type: 'text/csv',
      body: (f: ScreentimeFile) => screentimeCsvFiles(f).castTimeline,
    },
  ];
  for (const { suffix, type, body } of exports) {
    app.get(
      `/episodes/:ep_id/screentime${suffix}`,
      {
        schema: {
          tags: ['screentime'],
          summary: `Screen time of a run under its current review${suffix ? ` (${suffix.slice(1)})` : ''}`,
          description:
            'Computed from the review as it is now (a review edit changes it at once, no stage re-run); the JSON carries `review.version`, the CSVs the header `x-review-version`.',
          params: epPath,
          querystring: runQuery,
        },
        config: { action: 'send the screen time' },
      },
      async (request, reply) => {
        const file = await episodeCastScreentime(
          ctx,
          targetOf(request.params.ep_id, request.query.run_id),
        );
        return reply
          .type(type)
          .header('cache-control', 'no-cache')
          .header('x-review-version', String(file.review?.version ?? 0))
          .send(body(file));
      },
    );
  }
}
