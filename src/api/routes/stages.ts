/**
 * @module Per-episode stage routes: status of every stage, running jobs of every stage (both modes), resume, logs.
 */
import { z } from 'zod';
import { episodeStatus, stageLogs } from '../../jobs/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { disconnectSignal } from '../disconnect.ts';
import {
  epIdSchema,
  epParams,
  logsQuery,
  resumeBodySchema,
  stageSchema,
  statusQuery,
  toJobRequest,
} from '../schemas.ts';

const stageParams = z.object({ ep_id: epIdSchema, stage: stageSchema });

/**
 * Registers the stage routes.
 * @param app - Fastify instance
 * @param deps - jobs context and service
 */
export function stageRoutes(app: ZodApp, { ctx, jobs }: RouteDeps): void {
  app.get(
    '/episodes/:ep_id/status',
    {
      schema: {
        tags: ['stages'],
        summary: 'Status of every stage of a run (default: the latest)',
        params: epParams,
        querystring: statusQuery,
      },
      config: { action: 'read the stage status' },
    },
    (request) => episodeStatus(ctx, request.params.ep_id, request.query.run_id),
  );

  app.get(
    '/episodes/:ep_id/jobs/running',
    {
      schema: {
        tags: ['stages'],
        summary: 'Queued and running jobs of every stage, both modes',
        params: epParams,
      },
      config: { action: 'list the running jobs' },
    },
    async (request) => ({
      ep_id: request.params.ep_id,
      jobs: await jobs.running(request.params.ep_id),
    }),
  );

  app.post(
    '/episodes/:ep_id/stages/:stage/resume',
    {
      schema: {
        tags: ['stages'],
        summary: 'Resume a stalled, failed or cancelled stage in the same run, from its checkpoint',
        params: stageParams,
        body: resumeBodySchema.optional(),
      },
      config: { action: 'resume the stage' },
    },
    async (request, reply) => {
      const { signal, release } = disconnectSignal(reply);
      try {
        const { ep_id: epId, stage } = request.params;
        const result = await jobs.resume(
          stage,
          { epId, ...toJobRequest(request.body ?? {}), requestedBy: request.user?.name ?? null },
          signal,
        );
        return reply.code(result.execution_mode === 'redis' ? 202 : 200).send(result);
      } finally {
        release();
      }
    },
  );

  app.get(
    '/episodes/:ep_id/logs/:stage',
    {
      schema: {
        tags: ['stages'],
        summary: 'Persisted logs of the latest and earlier jobs of a stage',
        params: stageParams,
        querystring: logsQuery,
      },
      config: { action: 'read the logs' },
    },
    async (request) => ({
      ep_id: request.params.ep_id,
      stage: request.params.stage,
      jobs: await stageLogs(ctx, request.params.ep_id, request.params.stage, request.query.limit),
    }),
  );
}
