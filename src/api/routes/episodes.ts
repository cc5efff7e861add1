/**
 * @module Episode routes: create (with a server-side video path), upload a video, list, read, delete, video probe.
 */
import { InputError } from '../../errors.ts';
import {
  createEpisode,
  getEpisodeView,
  listEpisodeViews,
  removeEpisode,
  saveUploadedVideo,
  tooLarge,
  videoMeta,
} from '../../jobs/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { episodeBodySchema, epParams } from '../schemas.ts';

/**
 * Registers the episode routes.
 * @param app - Fastify instance
 * @param deps - jobs context
 */
export function episodeRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  app.post(
    '/episodes',
    {
      schema: {
        tags: ['episodes'],
        summary: 'Register an episode (its ep_id is {show}-s{SS}e{EE})',
        body: episodeBodySchema,
      },
      config: { action: 'register the episode' },
    },
    async (request, reply) => reply.code(201).send(await createEpisode(ctx, request.body)),
  );

  app.get(
    '/episodes',
    {
      schema: { tags: ['episodes'], summary: 'List episodes' },
      config: { action: 'list episodes' },
    },
    async () => ({
      episodes: await listEpisodeViews(ctx),
    }),
  );

  app.get(
    '/episodes/:ep_id',
    {
      schema: { tags: ['episodes'], summary: 'Read an episode', params: epParams },
      config: { action: 'read the episode' },
    },
    (request) => getEpisodeView(ctx, request.params.ep_id),
  );

  app.delete(
    '/episodes/:ep_id',
    {
      schema: {
        tags: ['episodes'],
        summary: 'Delete an episode, its runs and its folder',
        params: epParams,
      },
      config: { action: 'delete the episode' },
    },
    async (request, reply) => {
      await removeEpisode(ctx, request.params.ep_id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/episodes/:ep_id/video_meta',
    {
      schema: {
        tags: ['episodes'],
        summary: 'The video path and its ffprobe summary',
        params: epParams,
      },
      config: { action: 'read the video' },
    },
    (request) => videoMeta(ctx, request.params.ep_id),
  );

  app.post(
    '/episodes/:ep_id/video',
    {
      schema: {
        tags: ['episodes'],
        summary: 'Upload the episode video (multipart/form-data, one file field)',
        params: epParams,
        consumes: ['multipart/form-data'],
      },
      config: { action: 'store the uploaded video' },
    },
    async (request) => {
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > ctx.config.api.upload_max_bytes + 64 * 1024) {
        throw tooLarge(ctx.config.api.upload_max_bytes);
      }
      const file = await request.file();
      if (!file) {
        throw new InputError(
          'No file in the upload: send the video as a multipart/form-data file field',
        );
      }
      return saveUploadedVideo(ctx, request.params.ep_id, file.filename, file.file, {
        declaredBytes: Number.isFinite(declared) ? declared : undefined,
        truncated: () => file.file.truncated,
      });
    },
  );
}
