/**
 * @module Season run routes: register many episodes of a season at once (server paths or a multi-file upload),
 * run every stage of every episode (redis: one server-side chain per episode; local: one episode after another in
 * the request), and read the run's progress per episode.
 */
import { z } from 'zod';
import {
  registerSeasonPaths,
  registerSeasonUploads,
  seasonRunStatus,
  startSeasonRun,
  type UploadedFile,
} from '../../jobs/index.ts';
import type { AddEpisodesAnswer, SeasonRunAnswer } from '../contract.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { disconnectSignal } from '../disconnect.ts';
import { runOptionsSchema } from '../schemas.ts';
import { showIdSchema } from './review-common.ts';

/** Most files one season upload may carry (busboy's `files` limit; the global one is a single file). */
const MAX_SEASON_UPLOAD_FILES = 500;

const seasonPath = z.object({
  show: showIdSchema,
  season: z.coerce.number().int().min(0).max(99).describe('Season number'),
});

const registerBody = z
  .object({
    video_paths: z
      .array(z.string().min(1))
      .min(1)
      .max(MAX_SEASON_UPLOAD_FILES)
      .describe('Video files on the server; episode numbers from S01E03, 1x03 or E03 in the names'),
  })
  .strict();

const runBody = runOptionsSchema.omit({ allow_cpu_fallback: true }).strict();

/**
 * Registers the season run routes.
 * @param app - Fastify instance
 * @param deps - jobs context and service
 */
export function seasonRunRoutes(app: ZodApp, { ctx, jobs }: RouteDeps): void {
  app.post(
    '/shows/:show/seasons/:season/episodes',
    {
      schema: {
        tags: ['seasons'],
        summary:
          'Register many episodes of a season: JSON {video_paths} or multipart/form-data with several files',
        description:
          'Each file is probed first: one that is not a readable video is listed in `skipped`; two files with one episode number refuse the request (nothing registered).',
        params: seasonPath,
        body: registerBody.nullish(),
        consumes: ['application/json', 'multipart/form-data'],
      },
      config: { action: 'register the season' },
    },
    async (request, reply) => {
      const { show, season } = request.params;
      const result: AddEpisodesAnswer = request.isMultipart()
        ? await registerSeasonUploads(ctx, show, season, uploads(request))
        : await registerSeasonPaths(ctx, show, season, request.body?.video_paths ?? []);
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/shows/:show/seasons/:season/run',
    {
      schema: {
        tags: ['seasons'],
        summary: 'Run every stage of every episode of a season',
        description:
          'redis: 202 at once, one server-side chain per episode (goes on when the client leaves); local: 200 once every episode has ended, one after another.',
        params: seasonPath,
        body: runBody.optional(),
      },
      config: { action: 'run the season' },
    },
    async (request, reply) => {
      const { signal, release } = disconnectSignal(reply);
      try {
        const body = request.body ?? {};
        const result: SeasonRunAnswer = await startSeasonRun(
          ctx,
          jobs,
          request.params.show,
          request.params.season,
          {
            executionMode: body.execution_mode,
            profile: body.profile,
            device: body.device,
            signal,
          },
        );
        return reply.code(result.execution_mode === 'redis' ? 202 : 200).send(result);
      } finally {
        release();
      }
    },
  );

  app.get(
    '/shows/:show/seasons/:season/run',
    {
      schema: {
        tags: ['seasons'],
        summary: 'Progress of the season run per episode, from the job rows',
        params: seasonPath,
      },
      config: { action: 'read the season run' },
    },
    (request) => seasonRunStatus(ctx, request.params.show, request.params.season),
  );
}

/** The file parts of a multipart request, with the season upload's file limit. */
async function* uploads(request: {
  files: (opts: { limits: { files: number } }) => AsyncIterable<UploadedFile>;
}): AsyncIterable<UploadedFile> {
  for await (const part of request.files({ limits: { files: MAX_SEASON_UPLOAD_FILES } })) {
    yield { filename: part.filename, file: part.file };
  }
}
