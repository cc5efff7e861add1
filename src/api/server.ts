/**
 * @module The HTTP API: `buildServer(deps)` returns the Fastify instance (zod-validated routes, OpenAPI document at
 * `/docs`, one error handler) without listening. One of the three places that build real dependencies: the
 * database of `config.data_dir` and the jobs service, closed with the server.
 */
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config/index.ts';
import { createJobsContext, JobsService } from '../jobs/index.ts';
import { openDatabase, type Db } from '../store/index.ts';
import type { ZodApp } from './deps.ts';
import { installErrorHandler } from './error-handler.ts';
import { episodeRoutes } from './routes/episodes.ts';
import { jobRoutes } from './routes/jobs.ts';
import { stageRoutes } from './routes/stages.ts';

/** What the server is built from. */
export interface ApiDeps {
  /** The frozen config. */
  config: Config;
  /** Open database of `config.data_dir`; default: opened here and closed with the server. */
  db?: Db;
  /** Fastify logger options (default: off; `serve` logs warnings and errors). */
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the API.
 * @param deps - config, optional database, logging
 * @returns the Fastify instance, ready to `inject()` or `listen()`; `close()` closes the queue connection and the
 *   database it opened
 */
export async function buildServer(deps: ApiDeps): Promise<ZodApp> {
  const { config } = deps;
  const db = deps.db ?? openDatabase(config.data_dir);
  const ctx = createJobsContext(config, db);
  const jobs = new JobsService(ctx);
  // forceCloseConnections: on close, open requests of local jobs see their client gone and kill their stage.
  const app = Fastify({
    logger: deps.logger ?? false,
    forceCloseConnections: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Screenalytics API',
        description: 'Episodes, stage jobs (local and redis modes), status and logs',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, { limits: { fileSize: config.api.upload_max_bytes, files: 1 } });
  app.get(
    '/config',
    { schema: { tags: ['config'], summary: 'The effective config (every default)' } },
    () => config,
  );
  const routeDeps = { ctx, jobs };
  episodeRoutes(app, routeDeps);
  jobRoutes(app, routeDeps);
  stageRoutes(app, routeDeps);
  app.addHook('onClose', async () => {
    await jobs.close();
    if (!deps.db) {
      db.close();
    }
  });
  return app;
}
