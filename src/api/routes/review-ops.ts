/**
 * @module Long review operations with `execution_mode` as stage jobs have it (local: the request waits, no job id;
 * redis: 202 with a job id to poll): refresh similarity, auto-group, batch assign, cleanup; and their job status and cancel.
 */
import { z } from 'zod';
import { ReviewJobsService } from '../../jobs/index.ts';
import { operationParamsSchemas, type ReviewOperation } from '../../review/index.ts';
import { EXECUTION_MODES } from '../../store/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { epPath, editFields, reviewerOf, targetOf } from './review-common.ts';

const modeFields = {
  execution_mode: z
    .enum(EXECUTION_MODES)
    .optional()
    .describe(
      'local: the request waits; redis: queued. Default: redis when Redis answers, else local',
    ),
  run_id: editFields.run_id,
};

const OPERATIONS: { path: string; operation: ReviewOperation; summary: string }[] = [
  {
    path: '/episodes/:ep_id/refresh_similarity_async',
    operation: 'refresh_similarity',
    summary: 'Recompute centroids, cohesion and suggestions',
  },
  {
    path: '/episodes/:ep_id/clusters/group_async',
    operation: 'group',
    summary: 'Propose groups of similar identities (never two sharing a frame); apply: merge them',
  },
  {
    path: '/episodes/:ep_id/clusters/batch_assign_async',
    operation: 'batch_assign',
    summary: 'Assign many identities, explicitly or by accepting suggestions down to a tier',
  },
  {
    path: '/episodes/:ep_id/cleanup_async',
    operation: 'cleanup',
    summary:
      'Episode/Cluster Cleanup: cut tracks holding two people, re-embed, group (standard); preview, or apply as undoable edits',
  },
];

const jobPath = z.object({
  job_id: z
    .string()
    .regex(/^rjob-[0-9a-f-]{36}$/, 'expected rjob-<uuid>')
    .describe('Review job id'),
});

/**
 * Registers the long-operation routes.
 * @param app - Fastify instance
 * @param deps - jobs context and service
 */
export function reviewOpRoutes(app: ZodApp, { ctx, jobs }: RouteDeps): void {
  const service = new ReviewJobsService(ctx, jobs);
  const tags = ['review jobs'];
  for (const { path, operation, summary } of OPERATIONS) {
    const body = (operationParamsSchemas[operation] as z.ZodObject).extend(modeFields);
    app.post(
      path,
      {
        schema: { tags, summary, params: epPath, body: body.optional() },
        config: { action: `run ${operation}` },
      },
      async (request, reply) => {
        const {
          execution_mode: executionMode,
          run_id: runId,
          ...params
        } = (request.body ?? {}) as {
          execution_mode?: (typeof EXECUTION_MODES)[number];
          run_id?: string;
        } & Record<string, unknown>;
        const result = await service.submit(
          operation,
          targetOf(request.params.ep_id, runId),
          params,
          {
            executionMode,
            reviewer: reviewerOf(request),
          },
        );
        return reply.code(result.execution_mode === 'redis' ? 202 : 200).send(result);
      },
    );
  }

  app.get(
    '/review_jobs/:job_id',
    {
      schema: { tags, summary: 'State, progress and result of a review job', params: jobPath },
      config: { action: 'read the review job' },
    },
    (request) => service.status(request.params.job_id),
  );

  app.post(
    '/review_jobs/:job_id/cancel',
    {
      schema: { tags, summary: 'Cancel a review job', params: jobPath },
      config: { action: 'cancel the review job' },
    },
    (request) => service.cancel(request.params.job_id),
  );
}
