/**
 * @module Review edit routes (synchronous, one edit each): assign, unassign, batch assign, track overrides, face
 * sample exclusion, merge, move, split, undo. Each records the reviewer and answers the new version, the stored edit
 * and the identities it changed.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  castIdSchema,
  editReview,
  identityIdSchema,
  trackIdSchema,
  undoEdits,
  type EditOutcome,
  type EditRequest,
} from '../../review/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import {
  editFields,
  epPath,
  identityPath,
  reviewerOf,
  runImageUrl,
  targetOf,
} from './review-common.ts';

const trackIds = z.array(trackIdSchema).min(1).max(10000);

const bodies = {
  assign: z.object({ ...editFields, cast_id: castIdSchema }).strict(),
  unassign: z.object(editFields).strict(),
  batch: z
    .object({
      ...editFields,
      assignments: z
        .array(z.object({ identity_id: identityIdSchema, cast_id: castIdSchema }).strict())
        .min(1)
        .max(10000),
    })
    .strict(),
  override: z
    .object({
      ...editFields,
      track_ids: trackIds,
      cast_id: castIdSchema.optional(),
      ignore: z.boolean().optional().describe('true: not a face / ignore'),
    })
    .strict(),
  clearOverride: z.object({ ...editFields, track_ids: trackIds }).strict(),
  exclude: z
    .object({
      ...editFields,
      track_id: trackIdSchema,
      frame_idx: z.number().int().min(0),
      excluded: z.boolean().optional().describe('false puts the sample back'),
    })
    .strict(),
  merge: z
    .object({
      ...editFields,
      source_ids: z.array(identityIdSchema).min(1),
      target_id: identityIdSchema,
    })
    .strict(),
  move: z
    .object({
      ...editFields,
      track_ids: trackIds,
      to_identity_id: identityIdSchema.nullable().optional().describe('Absent: a new identity'),
    })
    .strict(),
  split: z.object({ ...editFields, groups: z.array(trackIds).min(1).optional() }).strict(),
  undo: z.object({ ...editFields, count: z.number().int().min(1).max(1000).default(1) }).strict(),
};

type EditBody = z.infer<typeof bodies.unassign>;

/** Route options of an edit: OpenAPI summary, path and body schemas, and the action a 500 names. */
const editRoute = <P extends z.ZodType, B extends z.ZodType>(
  summary: string,
  params: P,
  body: B,
) => ({
  schema: { tags: ['review edits'], summary, params, body },
  config: { action: 'edit the review' },
});

/**
 * Registers the edit routes.
 * @param app - Fastify instance
 * @param deps - jobs context (config and database)
 */
export function reviewEditRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const answer = (out: EditOutcome) => ({
    ep_id: out.ep_id,
    run_id: out.run_id,
    version: out.version,
    edit: out.edit,
    identities: out.identities.map((i) => ({
      ...i,
      thumb_url: i.thumb ? runImageUrl(out.ep_id, out.run_id, i.thumb) : null,
    })),
  });
  const editorOf = (request: FastifyRequest, body: EditBody) => ({
    reviewer: reviewerOf(request),
    expectedVersion: body.expected_version ?? null,
  });
  const edit = async (request: FastifyRequest, epId: string, body: EditBody, req: EditRequest) =>
    answer(await editReview(ctx, targetOf(epId, body.run_id), req, editorOf(request, body)));

  app.post(
    '/episodes/:ep_id/identities/:identity_id/assign',
    editRoute('Assign an identity to a cast member', identityPath, bodies.assign),
    (request) =>
      edit(request, request.params.ep_id, request.body, {
        kind: 'assign',
        assignments: [{ identity_id: request.params.identity_id, cast_id: request.body.cast_id }],
      }),
  );

  app.post(
    '/episodes/:ep_id/identities/:identity_id/unassign',
    editRoute('Unassign an identity', identityPath, bodies.unassign.optional()),
    (request) =>
      edit(request, request.params.ep_id, request.body ?? {}, {
        kind: 'unassign',
        identity_ids: [request.params.identity_id],
      }),
  );

  app.post(
    '/episodes/:ep_id/clusters/batch_assign',
    editRoute('Assign many identities in one edit', epPath, bodies.batch),
    (request) =>
      edit(request, request.params.ep_id, request.body, {
        kind: 'assign',
        assignments: request.body.assignments,
      }),
  );

  app.post(
    '/episodes/:ep_id/tracks/override',
    editRoute(
      'Tracks belong to a cast member, or are not a face (ignore)',
      epPath,
      bodies.override,
    ),
    (request) => {
      const { track_ids: ids, cast_id: castId, ignore } = request.body;
      return edit(request, request.params.ep_id, request.body, {
        kind: 'override',
        track_ids: ids,
        cast_id: castId ?? null,
        ignore,
      });
    },
  );

  app.post(
    '/episodes/:ep_id/tracks/clear_override',
    editRoute('Remove track overrides', epPath, bodies.clearOverride),
    (request) =>
      edit(request, request.params.ep_id, request.body, {
        kind: 'clear_override',
        track_ids: request.body.track_ids,
      }),
  );

  app.post(
    '/episodes/:ep_id/faces/exclude',
    editRoute('Exclude a face sample (or put it back)', epPath, bodies.exclude),
    (request) => {
      const { track_id: trackId, frame_idx: frameIdx, excluded } = request.body;
      return edit(request, request.params.ep_id, request.body, {
        kind: 'exclude_face',
        track_id: trackId,
        frame_idx: frameIdx,
        excluded,
      });
    },
  );

  app.post(
    '/episodes/:ep_id/identities/merge',
    editRoute('Merge identities into a target', epPath, bodies.merge),
    (request) =>
      edit(request, request.params.ep_id, request.body, {
        kind: 'merge',
        source_ids: request.body.source_ids,
        target_id: request.body.target_id,
      }),
  );

  app.post(
    '/episodes/:ep_id/tracks/move',
    editRoute('Move tracks to an identity, or to a new one', epPath, bodies.move),
    (request) =>
      edit(request, request.params.ep_id, request.body, {
        kind: 'move',
        track_ids: request.body.track_ids,
        to_identity_id: request.body.to_identity_id ?? null,
      }),
  );

  app.post(
    '/episodes/:ep_id/identities/:identity_id/split',
    editRoute(
      'Split an identity (default: one identity per track)',
      identityPath,
      bodies.split.optional(),
    ),
    (request) =>
      edit(request, request.params.ep_id, request.body ?? {}, {
        kind: 'split',
        identity_id: request.params.identity_id,
        groups: request.body?.groups,
      }),
  );

  app.post(
    '/episodes/:ep_id/undo',
    editRoute("Undo the last edits of the episode (anyone's)", epPath, bodies.undo.optional()),
    async (request) => {
      const body = request.body ?? { count: 1 };
      return answer(
        await undoEdits(
          ctx,
          targetOf(request.params.ep_id, body.run_id),
          body.count,
          editorOf(request, body),
        ),
      );
    },
  );
}
