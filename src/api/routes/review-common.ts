/**
 * @module What the review routes share: path and query schemas, the reviewer of a request (the signed-in user), the fields every edit body takes, and the API URLs of run images.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, InputError } from '../../errors.ts';
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

/** Fields every edit body takes (bodies are strict: a `reviewer` field is refused, the signed-in user edits). */
export const editFields = {
  expected_version: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Version last read; a 409 names the edits made since when the review moved on'),
  run_id: runIdSchema.optional().describe('Run; default: the newest run whose cluster succeeded'),
};

/**
 * The reviewer of a request: the signed-in user (session or token), or in single-user mode (no account exists,
 * loopback) the one local user `config.review.default_reviewer`. Nothing the caller sends names someone else: an
 * `X-Reviewer` header is refused, as is a `reviewer` field of a multipart form (JSON bodies are strict).
 * @param request - the request (its `user` set by the auth hook)
 * @param formFields - the fields of a multipart form, if the body is one
 * @returns the user name recorded with the edit, job or upload
 * @throws InputError (400) for an `X-Reviewer` header or a `reviewer` form field; AppError 401 when the request has
 *   no user (a public route: a programming error)
 */
export function reviewerOf(request: FastifyRequest, formFields: object = {}): string {
  if (request.headers['x-reviewer'] !== undefined || 'reviewer' in formFields) {
    throw new InputError(
      'X-Reviewer and the reviewer field are gone: the signed-in user is recorded; drop them',
    );
  }
  if (!request.user) {
    throw new AppError('UNAUTHENTICATED', 401, 'Sign in first: the edit records who made it');
  }
  return request.user.name;
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
