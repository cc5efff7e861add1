/**
 * @module Job routes: start a stage (local: the request waits and the stage dies with the connection; redis:
 * queued), read a job, cancel it, stream its events (at most `api.sse_max_per_client` streams per client address and
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
 * Registers the job routes.
 * @param app - Fastify instance
 * @param deps - jobs context and service
 */
export function jobRoutes(app: ZodApp, { ctx, jobs }: RouteDeps): void {
  const streams = makeSseLimiter(ctx.config.api.sse_max_per_client, ctx.config.api.sse_max_total);
  app.post(
    '/jobs/:stage',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Start a stage: local waits for it (no job_id), redis queues it (job_id)',
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
          { epId: body.ep_id, runId: body.run_id, ...toJobRequest(body) },
          { signal },
        );
        return reply.code(result.execution_mode === 'redis' ? 202 : 200).send(result);
      } finally {
        release();
      }
    },
  );

  app.get(
    '/jobs/:job_id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'State, progress, heartbeat, stall and log tail of a job',
        params: jobParams,
      },
      config: { action: 'read the job' },
    },
    (request) => jobs.status(request.params.job_id),
  );

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
