/**
 * @module What the routes are given: the jobs context and service of this API process, and the Fastify instance
 * with the zod type provider.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { JobsContext, JobsService } from '../jobs/index.ts';

/** The Fastify instance typed with the zod type provider. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Dependencies of the routes. */
export interface RouteDeps {
  /** Jobs context (config, database, this process). */
  ctx: JobsContext;
  /** Jobs service. */
  jobs: JobsService;
}
