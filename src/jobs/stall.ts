/**
 * @module Stalled jobs: a running job whose runner's heartbeat is older than `config.jobs.stall_after_s`, or whose
 * runner process on this host is gone. The first reader that sees it records it and logs `job.stalled` once.
 */
import { markJobStalled, type Job } from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { logJob } from './job-log.ts';
import { judgeHolder } from './lock.ts';

/**
 * @param ctx - jobs context (stall threshold, this host)
 * @param job - the job
 * @param now - the time
 * @returns true when the job is running but its runner is silent or gone
 */
export function isStalled(ctx: JobsContext, job: Job, now: Date = new Date()): boolean {
  if (job.state !== 'running') {
    return false;
  }
  const verdict = judgeHolder(job, null, {
    host: ctx.host,
    now,
    stallAfterS: ctx.config.jobs.stall_after_s,
  });
  return !verdict.live;
}

/**
 * Checks a job for a stall and, the first time one is seen, records it and logs `job.stalled` with the reason.
 * @returns true when the job is stalled
 */
export function noticeStall(ctx: JobsContext, job: Job, now: Date = new Date()): boolean {
  if (job.state !== 'running') {
    return false;
  }
  const verdict = judgeHolder(job, null, {
    host: ctx.host,
    now,
    stallAfterS: ctx.config.jobs.stall_after_s,
  });
  if (verdict.live) {
    return false;
  }
  if (markJobStalled(ctx.db, job.job_id, now)) {
    logJob(ctx.config.data_dir, job, 'warn', 'job.stalled', {
      text: `Job stalled: ${verdict.reason}; resume or cancel it`,
      reason: verdict.reason,
    });
  }
  return true;
}
