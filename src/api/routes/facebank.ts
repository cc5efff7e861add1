/**
 * @module Facebank routes: list, upload (multipart, one image: detected, aligned and embedded with the pipeline's
 * models, loaded on first use), delete and serve reference images of a cast member; export a reviewed identity's
 * best face samples into it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { InputError } from '../../errors.ts';
import { FaceImageEmbedder } from '../../pipeline/index.ts';
import {
  addFacebankUpload,
  autoAssignShow,
  castIdSchema,
  exportIdentityToFacebank,
} from '../../review/index.ts';
import {
  deleteFacebankImage,
  getFacebankThumb,
  listFacebankImages,
  requireCastMember,
  type FacebankImage,
} from '../../store/index.ts';
import { tooLarge } from '../../jobs/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { makeGate } from '../security/gate.ts';
import { editFields, identityPath, reviewerOf, showIdSchema, targetOf } from './review-common.ts';
import { IMMUTABLE } from './review-media.ts';

const castPath = z.object({ show: showIdSchema, cast_id: castIdSchema });
const imageIdSchema = z.string().regex(/^fb-[0-9a-f-]{36}$/, 'expected fb-<uuid>');

const view = (img: FacebankImage) => ({
  ...img,
  thumb_url: `/shows/${img.show_id}/facebank/${img.image_id}/thumb`,
});

/**
 * Registers the facebank routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function facebankRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const { db, config } = ctx;
  let embedder: Promise<FaceImageEmbedder> | null = null;
  const openEmbedder = (): Promise<FaceImageEmbedder> => {
    embedder ??= FaceImageEmbedder.open(config, {
      cpuThreads: config.jobs.local_max_threads,
    }).catch((err: unknown) => {
      embedder = null;
      throw err;
    });
    return embedder;
  };
  /** Auto-assignment again over the show's episodes after its facebank changed; returns the identities named. */
  const renameShow = async (show: string): Promise<number> =>
    (await autoAssignShow(ctx, show)).reduce((n, r) => n + r.assigned.length, 0);
  app.addHook('onClose', async () => {
    await (await embedder)?.release();
  });
  const tags = ['facebank'];
  const decodes = makeGate(config.api.image_decode_concurrency);

  app.get(
    '/shows/:show/cast/:cast_id/facebank',
    {
      schema: { tags, summary: "A cast member's facebank images", params: castPath },
      config: { action: 'list the facebank' },
    },
    async (request) => {
      const { show, cast_id: castId } = request.params;
      await requireCastMember(db, show, castId);
      return {
        show_id: show,
        cast_id: castId,
        items: (await listFacebankImages(db, show, castId)).map(view),
      };
    },
  );

  app.post(
    '/shows/:show/cast/:cast_id/facebank',
    {
      schema: {
        tags,
        summary:
          'Upload a reference image (multipart/form-data, one JPEG/PNG/WebP file); 400 when it has no face or too many pixels, 413 over the byte limit',
        params: castPath,
        consumes: ['multipart/form-data'],
      },
      config: { action: 'add the facebank image' },
    },
    async (request, reply) => {
      const { show, cast_id: castId } = request.params;
      await requireCastMember(db, show, castId);
      const limit = config.api.image_upload_max_bytes;
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit + 64 * 1024) {
        throw tooLarge(limit, 'The image');
      }
      const file = await request.file({ limits: { fileSize: limit, files: 1 } });
      if (!file) {
        throw new InputError(
          'No file in the upload: send the image as a multipart/form-data file field',
        );
      }
      const dir = await mkdtemp(join(tmpdir(), 'sa-facebank-'));
      try {
        const path = join(dir, 'upload');
        file.file.once('limit', () => file.file.destroy(tooLarge(limit, 'The image')));
        await pipeline(file.file, createWriteStream(path));
        if (file.file.truncated) {
          throw tooLarge(limit, 'The image');
        }
        const reviewer = reviewerOf(request, file.fields);
        const stored = await decodes.run(async () =>
          addFacebankUpload(
            ctx,
            await openEmbedder(),
            show,
            castId,
            { path, fileName: basename(file.filename || 'upload') },
            reviewer,
          ),
        );
        return reply.code(201).send({ ...view(stored), auto_assigned: await renameShow(show) });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.delete(
    '/shows/:show/cast/:cast_id/facebank/:image_id',
    {
      schema: {
        tags,
        summary: 'Remove a facebank image',
        params: castPath.extend({ image_id: imageIdSchema }),
      },
      config: { action: 'remove the facebank image' },
    },
    async (request, reply) => {
      const { show, cast_id: castId, image_id: imageId } = request.params;
      await deleteFacebankImage(db, show, castId, imageId);
      await renameShow(show);
      return reply.code(204).send();
    },
  );

  app.get(
    '/shows/:show/facebank/:image_id/thumb',
    {
      schema: {
        tags,
        summary: 'The stored image of a facebank entry',
        params: z.object({ show: showIdSchema, image_id: imageIdSchema }),
      },
      config: { action: 'send the facebank image' },
    },
    async (request, reply) => {
      const { show, image_id: imageId } = request.params;
      const { thumb, thumb_type: type } = await getFacebankThumb(db, show, imageId);
      const etag = `"${imageId}"`;
      reply.header('etag', etag).header('cache-control', IMMUTABLE);
      if (request.headers['if-none-match'] === etag) {
        return reply.code(304).send();
      }
      return reply.type(type).send(thumb);
    },
  );

  app.post(
    '/episodes/:ep_id/identities/:identity_id/export_facebank',
    {
      schema: {
        tags,
        summary: "Add a reviewed identity's best face samples to its cast member's facebank",
        params: identityPath,
        body: z
          .object({
            cast_id: castIdSchema.optional().describe('Default: the identity assignment'),
            max_samples: z.number().int().min(1).max(100).optional(),
            run_id: editFields.run_id,
          })
          .strict()
          .optional(),
      },
      config: { action: 'export to the facebank' },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const items = await exportIdentityToFacebank(
        ctx,
        targetOf(request.params.ep_id, body.run_id),
        request.params.identity_id,
        { castId: body.cast_id, maxSamples: body.max_samples },
        reviewerOf(request),
      );
      return reply.code(201).send({
        items: items.map(view),
        auto_assigned: items[0] ? await renameShow(items[0].show_id) : 0,
      });
    },
  );
}
