/**
 * @module The HTTP API: `buildServer(deps)` returns the Fastify instance (zod-validated routes, OpenAPI document at
 * `/docs`, one error handler) without listening. One of the three places that build real dependencies: the
 * database of `config.data_dir` and the jobs service, closed with the server.
 */
import { existsSync } from 'node:fs';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
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
import { installAuth } from './auth.ts';
import type { ZodApp } from './deps.ts';
import { installErrorHandler } from './error-handler.ts';
import { authRoutes } from './routes/auth.ts';
import { installSecurityHeaders } from './security/headers.ts';
import { castRoutes } from './routes/cast.ts';
import { configRoutes } from './routes/config.ts';
import { episodeRoutes } from './routes/episodes.ts';
import { facebankRoutes } from './routes/facebank.ts';
import { jobRoutes } from './routes/jobs.ts';
import { reviewEditRoutes } from './routes/review-edits.ts';
import { reviewMediaRoutes } from './routes/review-media.ts';
import { reviewOpRoutes } from './routes/review-ops.ts';
import { reviewReadRoutes } from './routes/review-reads.ts';
import { seasonRoutes } from './routes/seasons.ts';
import { seasonRunRoutes } from './routes/season-run.ts';
import { stageRoutes } from './routes/stages.ts';

/** What the server is built from. */
export interface ApiDeps {
  /** The frozen config. */
  config: Config;
  /** Open database (`config.database`); default: opened here and closed with the server. */
  db?: Db;
  /** Fastify logger options (default: off; `serve` logs warnings and errors). */
  logger?: FastifyServerOptions['logger'];
  /** Address `serve` listens on (a Host header naming it is accepted). */
  listenHost?: string;
}

/**
 * Builds the API.
 * @param deps - config, optional database, logging
 * @returns the Fastify instance, ready to `inject()` or `listen()`; `close()` closes the queue connection and the
 *   database it opened
 */
export async function buildServer(deps: ApiDeps): Promise<ZodApp> {
  const { config } = deps;
  const db = deps.db ?? (await openDatabase(config.data_dir, config.database));
  const ctx = createJobsContext(config, db);
  const jobs = new JobsService(ctx);
  // forceCloseConnections: on close, open requests of local jobs see their client gone and kill their stage.
  const app = Fastify({
    logger: deps.logger ?? false,
    forceCloseConnections: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Headers and the access hook first: the not-found handler takes the hooks installed before it.
  await installSecurityHeaders(app);
  await installAuth(app, { config, db, listenHost: deps.listenHost });
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
  const routeDeps = { ctx, jobs };
  authRoutes(app, routeDeps);
  configRoutes(app, routeDeps);
  episodeRoutes(app, routeDeps);
  jobRoutes(app, routeDeps);
  stageRoutes(app, routeDeps);
  castRoutes(app, routeDeps);
  facebankRoutes(app, routeDeps);
  reviewReadRoutes(app, routeDeps);
  reviewEditRoutes(app, routeDeps);
  reviewOpRoutes(app, routeDeps);
  reviewMediaRoutes(app, routeDeps);
  seasonRoutes(app, routeDeps);
  seasonRunRoutes(app, routeDeps);
  await serveWebUi(app);
  app.addHook('onClose', async () => {
    await jobs.close();
    if (!deps.db) {
      await db.close();
    }
  });
  return app;
}

/** The built web UI (`npm run build:web`). */
const WEB_DIST = new URL('../../web/dist/', import.meta.url).pathname;

/**
 * Serves the web UI at `/`: the files of `web/dist`, and its index page for the client routes under `/ui/`
 * (reloads and links); when the UI is not built, a one-line page that says how to build it.
 * @param app - Fastify instance
 */
async function serveWebUi(app: ZodApp): Promise<void> {
  const hidden = { schema: { hide: true } };
  if (!existsSync(`${WEB_DIST}index.html`)) {
    const notBuilt = `<!doctype html><p>The web UI is not built: run <code>npm run build:web</code>, then reload.</p>`;
    app.get('/', hidden, (_req, reply) => reply.type('text/html').send(notBuilt));
    app.get('/ui/*', hidden, (_req, reply) => reply.type('text/html').send(notBuilt));
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    setHeaders: (reply, path) => {
      reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/ui/*', hidden, (_req, reply) => reply.sendFile('index.html'));
}
