/**
 * @module Show and cast routes: list shows; list, create, read, change, delete cast members; import them from CSV.
 */
import { z } from 'zod';
import { listSeasons } from '../../report/index.ts';
import { castIdSchema, importCastCsv, pageOf } from '../../review/index.ts';
import {
  CAST_ROLES,
  CAST_STATUSES,
  countFacebankImages,
  createCastMember,
  deleteCastMember,
  listCastMembers,
  listShows,
  requireCastMember,
  updateCastMember,
  type CastMember,
} from '../../store/index.ts';
import type { ShowView } from '../contract.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { pageQuery, showIdSchema } from './review-common.ts';

const showPath = z.object({ show: showIdSchema });
const castPath = z.object({ show: showIdSchema, cast_id: castIdSchema });

const castFields = {
  name: z.string().trim().min(1).max(200).describe('Display name'),
  aliases: z.array(z.string().trim().min(1).max(200)).max(50).describe('Other names'),
  role: z.enum(CAST_ROLES).describe('Role in the show'),
  status: z.enum(CAST_STATUSES).describe('inactive: kept, not suggested'),
};

const createBody = z
  .object({
    ...castFields,
    cast_id: castIdSchema.optional().describe('Default: the slug of the name'),
    aliases: castFields.aliases.optional(),
    role: castFields.role.optional(),
    status: castFields.status.optional(),
  })
  .strict();

const patchBody = z.object(castFields).partial().strict();

/**
 * Registers the show and cast routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function castRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const { db } = ctx;
  const withCounts = async (show: string, items: CastMember[]) => {
    const counts = await countFacebankImages(db, show);
    return items.map((c) => ({ ...c, facebank_images: counts.get(c.cast_id) ?? 0 }));
  };

  app.get(
    '/shows',
    {
      schema: {
        tags: ['cast'],
        summary: 'Shows with their episode and cast counts, and their seasons',
      },
      config: { action: 'list shows' },
    },
    async (): Promise<{ items: ShowView[] }> => {
      const items: ShowView[] = [];
      for (const s of await listShows(db)) {
        items.push({ ...s, seasons: await listSeasons(ctx, s.show_id) });
      }
      return { items };
    },
  );

  app.get(
    '/shows/:show/cast',
    {
      schema: {
        tags: ['cast'],
        summary: 'Cast members of a show, by name, one page',
        params: showPath,
        querystring: pageQuery.extend({ status: z.enum(CAST_STATUSES).optional() }),
      },
      config: { action: 'list the cast' },
    },
    async (request) => {
      const { show } = request.params;
      const { items } = await listCastMembers(db, show, { status: request.query.status });
      return {
        show_id: show,
        ...pageOf(await withCounts(show, items), ctx.config.review, request.query),
      };
    },
  );

  app.post(
    '/shows/:show/cast',
    {
      schema: {
        tags: ['cast'],
        summary: 'Create a cast member',
        params: showPath,
        body: createBody,
      },
      config: { action: 'create the cast member' },
    },
    async (request, reply) => {
      const member = await createCastMember(db, request.params.show, request.body);
      return reply.code(201).send({ ...member, facebank_images: 0 });
    },
  );

  app.post(
    '/shows/:show/cast/import',
    {
      schema: {
        tags: ['cast'],
        summary:
          'Create or update cast members from CSV (header: name,aliases,role,status[,cast_id])',
        params: showPath,
        body: z.object({ csv: z.string().min(1).max(1_000_000) }).strict(),
      },
      config: { action: 'import the cast' },
    },
    async (request) => {
      const { show } = request.params;
      const out = await importCastCsv(db, show, request.body.csv);
      return { ...out, items: await withCounts(show, out.items) };
    },
  );

  app.get(
    '/shows/:show/cast/:cast_id',
    {
      schema: { tags: ['cast'], summary: 'Read a cast member', params: castPath },
      config: { action: 'read the cast member' },
    },
    async (request) => {
      const { show, cast_id: castId } = request.params;
      return (await withCounts(show, [await requireCastMember(db, show, castId)]))[0];
    },
  );

  app.patch(
    '/shows/:show/cast/:cast_id',
    {
      schema: {
        tags: ['cast'],
        summary: 'Change a cast member',
        params: castPath,
        body: patchBody,
      },
      config: { action: 'change the cast member' },
    },
    async (request) => {
      const { show, cast_id: castId } = request.params;
      const member = await updateCastMember(db, show, castId, request.body);
      return (await withCounts(show, [member]))[0];
    },
  );

  app.delete(
    '/shows/:show/cast/:cast_id',
    {
      schema: {
        tags: ['cast'],
        summary: 'Delete a cast member (409 while identities or tracks are assigned to it)',
        params: castPath,
      },
      config: { action: 'delete the cast member' },
    },
    async (request, reply) => {
      await deleteCastMember(db, request.params.show, request.params.cast_id);
      return reply.code(204).send();
    },
  );
}
