/**
 * @module Job routes: start a stage (local: the request waits and the stage dies with the connection; redis:
 * queued), read a job, list the queued and running jobs (start, read and list also under `/celery_jobs`, the
 * specification's names, as deprecated aliases), cancel a job, stream its events (at most `api.sse_max_per_client` streams per client address and
 * `api.sse_max_total` in all; more get 429).
 */
import { z } from 'zod';
import { jobEvents } from '../../jobs/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { disconnectSignal } from '../disconnect.ts';
import { makeSseLimiter } from '../security/sse-limits.ts';
import { jobBodySchema, jobIdSchema, stageSchema, toJobRequest } from '../schemas.ts';

const jobParams = z.object({ job_id: jobIdSchema });

/**
 * Route prefixes of the start, read and list routes: `/jobs`, and `/celery_jobs`, the specification's names kept as
 * deprecated compatibility aliases for scripts written against it (same handlers, same roles, same answers).
 */
const JOB_PREFIXES = [
  { prefix: '/jobs', alias: false },
  { prefix: '/celery_jobs', alias: true },
] as const;

/** OpenAPI marks of a route under `prefix`: an alias says which route it stands for and is deprecated. */
function openApi(
  summary: string,
  { alias }: (typeof JOB_PREFIXES)[number],
  route: string,
): { tags: string[]; summary: string; deprecated?: true } {
  return alias
    ? {
        tags: ['jobs'],
        summary: `Compatibility alias of ${route} (deprecated): ${summary}`,
        deprecated: true,
      }
    : { tags: ['jobs'], summary };
}

/**
 * Registers the job routes.
 * @param app - Fastify instance
 * @param deps - jobs context and service
 */
export function jobRoutes(app: ZodApp, { ctx, jobs }: RouteDeps): void {
  const streams = makeSseLimiter(ctx.config.api.sse_max_per_client, ctx.config.api.sse_max_total);
  for (const p of JOB_PREFIXES) {
    app.post(
      `${p.prefix}/:stage`,
      {
        schema: {
          ...openApi(
            'Start a stage: local waits for it (no job_id), redis queues it (job_id)',
            p,
            'POST /jobs/{stage}',
          ),
          params: z.object({ stage: stageSchema }),
          body: jobBodySchema,
        },
        config: { action: 'start the job' },
      },
      async (request, reply) => {
        const { signal, release } = disconnectSignal(reply);
        try {
          const body = request.body;
          const result = await jobs.submit(
            request.params.stage,
            {
              epId: body.ep_id,
              runId: body.run_id,
              ...toJobRequest(body),
              requestedBy: request.user?.name ?? null,
            },
            { signal },
          );
          return reply.code(result.execution_mode === 'redis' ? 202 : 200).send(result);
        } finally {
          release();
        }
      },
    );

    app.get(
      `${p.prefix}/:job_id`,
      {
        schema: {
          ...openApi(
            'State, progress, heartbeat, stall and log tail of a job',
            p,
            'GET /jobs/{job_id}',
          ),
          params: jobParams,
        },
        config: { action: 'read the job' },
      },
      (request) => jobs.status(request.params.job_id),
    );

    app.get(
      p.prefix,
      {
        schema: openApi('Queued and running jobs of every episode, both modes', p, 'GET /jobs'),
        config: { action: 'list the running jobs' },
      },
      async () => ({ jobs: await jobs.running() }),
    );
  }

  app.post(
    '/jobs/:job_id/cancel',
    {
      schema: { tags: ['jobs'], summary: 'Cancel a job, from any API process', params: jobParams },
      config: { action: 'cancel the job' },
    },
    (request) => jobs.cancel(request.params.job_id),
  );

  app.get(
    '/jobs/:job_id/events',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Server-sent events: log, progress, state, end',
        params: jobParams,
      },
      config: { action: 'stream the job events' },
    },
    async (request, reply) => {
      await jobs.status(request.params.job_id);
      const release = streams.acquire(request.ip);
      const controller = new AbortController();
      reply.raw.on('close', () => {
        release();
        controller.abort();
      });
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      try {
        for await (const ev of jobEvents(ctx, request.params.job_id, controller.signal)) {
          reply.raw.write(`event: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`);
        }
      } finally {
        release();
        reply.raw.end();
      }
    },
  );
}
