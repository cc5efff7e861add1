/**
 * @module The one error handler of the API: AppError to its status with `{error: {code, message}}` (a busy stage
 * adds the running `job`), invalid requests to 400 naming every bad field, a full disk (ENOSPC) to 507, anything else logged with its stack and
 * answered 500 "Failed to <action>".
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../errors.ts';
import { StageBusyError } from '../jobs/index.ts';

/** Route config key naming what the route does, for 500 messages (e.g. `start the job`). */
export interface RouteAction {
  /** Verb phrase completing "Failed to ...". */
  action?: string;
}

/** One bad field of a request. */
interface BadField {
  path: string;
  message: string;
}

function invalid(reply: FastifyReply, fields: BadField[]): FastifyReply {
  const message = `Invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`;
  return reply.code(400).send({ error: { code: 'INPUT_INVALID', message, fields } });
}

function handle(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = err.validationContext ?? 'request';
    return invalid(
      reply,
      err.validation.map((v) => ({
        path: `${context}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''),
        message: v.message ?? 'invalid',
      })),
    );
  }
  if (err instanceof ZodError) {
    return invalid(
      reply,
      err.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
    );
  }
  if (err instanceof StageBusyError) {
    return reply
      .code(err.status)
      .send({ error: { code: err.code, message: err.message }, job: err.job });
  }
  if (err instanceof AppError) {
    if (err.status === 413) {
      // Do not read the rest of an oversized body: close the connection after answering.
      reply.header('connection', 'close');
    }
    return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
  }
  if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
    request.log.error({ err }, 'disk full');
    return reply.code(507).send({
      error: {
        code: 'INSUFFICIENT_STORAGE',
        message:
          'Not enough free disk space in the data directory: free some space, then try again',
      },
    });
  }
  if (err.statusCode !== undefined && err.statusCode < 500) {
    return reply
      .code(err.statusCode)
      .send({ error: { code: 'INPUT_INVALID', message: err.message } });
  }
  const action =
    (request.routeOptions.config as RouteAction | undefined)?.action ?? 'answer the request';
  request.log.error({ err }, `request failed: ${err.stack ?? err.message}`);
  return reply.code(500).send({ error: { code: 'INTERNAL', message: `Failed to ${action}` } });
}

/**
 * Installs the error and not-found handlers.
 * @param app - the Fastify instance
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(handle);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}: see /docs for the API`,
      },
    }),
  );
}
