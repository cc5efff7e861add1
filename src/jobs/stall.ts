/**
 * @module Stalled jobs (of every kind): a running job whose runner's heartbeat is older than
 * `config.jobs.stall_after_s`, or whose runner process on this host is gone. The first reader that sees it records
 * it and, for a stage job, logs `job.stalled` once.
 */
import { markJobStalled, type AnyJob } from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { logJob } from './job-log.ts';
import { judgeHolder, type HolderVerdict } from './lock.ts';

/** The verdict on a running job's runner, or null when the job is not running. */
function runnerVerdict(ctx: JobsContext, job: AnyJob, now: Date): HolderVerdict | null {
  if (job.state !== 'running') {
    return null;
  }
  return judgeHolder(job, null, {
    host: ctx.host,
    now,
    stallAfterS: ctx.config.jobs.stall_after_s,
  });
}

/**
 * @param ctx - jobs context (stall threshold, this host)
 * @param job - the job
 * @param now - the time
 * @returns true when the job is running but its runner is silent or gone
 */
export function isStalled(ctx: JobsContext, job: AnyJob, now: Date = new Date()): boolean {
  const verdict = runnerVerdict(ctx, job, now);
  return verdict !== null && !verdict.live;
}

/**
 * Checks a job of any kind for a stall and, the first time one is seen, records it (async) and, for a stage job,
 * logs `job.stalled` with the reason in its stage log (a review job has no log).
 * @returns true when the job is stalled
 */
export async function noticeStall(
  ctx: JobsContext,
  job: AnyJob,
  now: Date = new Date(),
): Promise<boolean> {
  const verdict = runnerVerdict(ctx, job, now);
  if (verdict === null || verdict.live) {
    return false;
  }
  if ((await markJobStalled(ctx.db, job.job_id, now)) && job.kind === 'stage') {
    logJob(ctx.config.data_dir, job, 'warn', 'job.stalled', {
      text: `Job stalled: ${verdict.reason}; resume or cancel it`,
      reason: verdict.reason,
    });
  }
  return true;
}
