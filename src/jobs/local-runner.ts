/**
 * @module `local` mode: the stage runs as a child of this (API) process while the request waits, through the stage
 * entry of the job kinds (kinds.ts); the child is killed when the request's signal aborts (client disconnect) or
 * after `config.jobs.local_timeout_s`.
 */
import type { Job } from '../store/index.ts';
import type { Stage } from '../types.ts';
import type { JobRequest } from './admission.ts';
import { admitJob } from './admission.ts';
import type { JobsContext } from './context.ts';
import { JOB_KIND_SPECS } from './kinds.ts';
import { planStage } from './plan.ts';
import type { JobRunner, StartOptions } from './runner.ts';

/** Prefix of the human log lines of local jobs. */
export const LOCAL_LABEL = '[LOCAL MODE]';

/**
 * @param ctx - jobs context of the API process
 * @returns the local runner
 */
export function createLocalRunner(ctx: JobsContext): JobRunner {
  const { jobs } = ctx.config;
  return {
    mode: 'local',
    async start(stage: Stage, request: JobRequest, opts: StartOptions = {}): Promise<Job> {
      // Fails with DEVICE_UNAVAILABLE (400) before anything is admitted.
      planStage(
        ctx.config,
        {
          profile: request.profile ?? ctx.config.profile,
          device: request.device ?? ctx.config.device,
          allow_cpu_fallback: request.allowCpuFallback ?? ctx.config.allow_cpu_fallback,
        },
        jobs.local_max_threads,
      );
      const job = await admitJob(ctx, {
        ...request,
        stage,
        mode: 'local',
        resume: opts.resume,
        resumedFrom: opts.resumedFrom,
      });
      return (await JOB_KIND_SPECS.stage.run(ctx, job, { label: LOCAL_LABEL, signal: opts.signal }))
        .job;
    },
    afterCancel(): Promise<void> {
      // The supervising process sees the cancel flag in the database; nothing else holds the job.
      return Promise.resolve();
    },
  };
}
