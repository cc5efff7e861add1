/**
 * @module What the review routes share: path and query schemas, the reviewer of a request (the signed-in user), the fields every edit body takes, and the API URLs of run images.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import { identityIdSchema } from '../../review/index.ts';
import { epIdSchema, runIdSchema } from '../schemas.ts';

/** `show` path parameter: a lower-case slug. */
export const showIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a show id like fotb')
  .describe('Show id (the {show} of its episode ids)');

/** `{ep_id}` and optional `run_id`. */
export const runQuery = z.object({
  run_id: runIdSchema.optional().describe('Run; default: the newest run whose cluster succeeded'),
});

/** Page query. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).optional().describe('1-based page (default 1)'),
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Items per page (default config.review.page_size)'),
});

/** `{ep_id}` path. */
export const epPath = z.object({ ep_id: epIdSchema });

/** `{ep_id}/identities/{identity_id}` path. */
export const identityPath = z.object({ ep_id: epIdSchema, identity_id: identityIdSchema });

/** Reviewer name: 1..64 characters. */
const reviewerSchema = z.string().trim().min(1).max(64);

/** Fields every edit body takes. */
export const editFields = {
  reviewer: reviewerSchema
    .optional()
    .describe('Single-user mode only: who edits (ignored once accounts exist: the signed-in user)'),
  expected_version: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Version last read; a 409 names the edits made since when the review moved on'),
  run_id: runIdSchema.optional().describe('Run; default: the newest run whose cluster succeeded'),
};

/**
 * The reviewer of a request: the signed-in user (session or token), whatever the body or `X-Reviewer` say. Only
 * in single-user mode (no account exists, loopback) may the body's `reviewer` or the `X-Reviewer` header name
 * the one local person, else the config default.
 * @param request - the request (its `user` set by the auth hook)
 * @param config - loaded config (`review.default_reviewer`)
 * @param bodyReviewer - `reviewer` of the body, if any
 * @throws ZodError (400) for an empty or over-long name in single-user mode
 */
export function reviewerOf(request: FastifyRequest, config: Config, bodyReviewer?: string): string {
  if (request.user && request.user.via !== 'single-user') {
    return request.user.name;
  }
  const header = request.headers['x-reviewer'];
  const raw = bodyReviewer ?? (Array.isArray(header) ? header[0] : header);
  return raw === undefined ? config.review.default_reviewer : reviewerSchema.parse(raw);
}

/**
 * @param epId - episode id
 * @param runId - run id
 * @param rel - image path relative to the run folder (`thumbs/12.webp`, `crops/12/340.jpg`)
 * @returns its API URL
 */
export function runImageUrl(epId: string, runId: string, rel: string): string {
  return `/episodes/${epId}/runs/${runId}/${rel}`;
}

/**
 * Target of a review call from a path and an optional run id.
 * @returns `{ epId, runId }`
 */
export function targetOf(epId: string, runId?: string): { epId: string; runId?: string } {
  return runId === undefined ? { epId } : { epId, runId };
}
