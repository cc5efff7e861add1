/**
 * @module Job state changes as the jobs layer sees them: each runs the store's transition, the lock file change
 * and the `runtime.json` mirror in ONE serialised database transaction (`transact`: SQLite BEGIN IMMEDIATE, or
 * PostgreSQL's transaction lock), so that processes sharing the data directory see them in a single order.
 */
import {
  claimJob,
  endLostJob,
  finishJob,
  finishMarker,
  heartbeatJob,
  jobOfKind,
  readMarker,
  recordJobChild,
  requestJobCancel,
  requeueJob,
  runPaths,
  transact,
  writeMarker,
  type AnyJob,
  type Job,
  type JobProgress,
} from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { jobLockFile, removeLock, updateLock } from './lock.ts';
import { syncRuntime } from './runtime-mirror.ts';

/**
 * Runs `change` in one serialised transaction, with a context whose `db` is the transaction (nothing in `change`
 * may use the outer handle).
 */
function atomically<T>(ctx: JobsContext, change: (tx: JobsContext) => Promise<T>): Promise<T> {
  return transact(ctx.db, (db) => change({ ...ctx, db }));
}

/** A row a transition of a stage job returned, typed as the stage job it is. */
function stage(row: AnyJob | null): Job | null {
  return jobOfKind('stage', row);
}

/** Releases the job's lock (when it still names the job) and updates runtime.json. */
async function releaseLock(tx: JobsContext, job: Job): Promise<void> {
  removeLock(jobLockFile(tx.config, job), job.job_id);
  await syncRuntime(tx.config.data_dir, tx.db, job.ep_id);
}

/**
 * This process claims a queued job: `claimJob`, the lock names this process, runtime.json updated.
 * @returns the running job, or null when it is no longer queued (cancelled first)
 * @throws NotFoundError when the job does not exist
 */
export function claim(ctx: JobsContext, queued: Job): Promise<Job | null> {
  return atomically(ctx, async (tx) => {
    const job = stage(await claimJob(tx.db, queued.job_id, { host: tx.host, pid: tx.pid }));
    if (job) {
      updateLock(jobLockFile(tx.config, job), job.job_id, {
        pid: tx.pid,
        host: tx.host,
        heartbeat_at: job.heartbeat_at!,
      });
      await syncRuntime(tx.config.data_dir, tx.db, job.ep_id);
    }
    return job;
  });
}

/**
 * Records the spawned child process of a running job (`recordJobChild`, runtime.json pid).
 * @returns the job, or null when it is no longer running
 */
export function recordChild(ctx: JobsContext, job: Job, childPid: number): Promise<Job | null> {
  return atomically(ctx, async (tx) => {
    const row = stage(await recordJobChild(tx.db, job.job_id, childPid));
    if (row) {
      await syncRuntime(tx.config.data_dir, tx.db, job.ep_id);
    }
    return row;
  });
}

/**
 * Heartbeat: `heartbeatJob` and the lock's `heartbeat_at`.
 * @param progress - the stage's progress, or null to keep the stored one
 * @param at - when the stage last made progress (its `progress.json` write); the row's heartbeat is that time
 * @returns the job (with `cancel_requested_at`), or null when it is no longer running
 */
export function beat(
  ctx: JobsContext,
  job: Job,
  progress: JobProgress | null,
  at: Date,
): Promise<Job | null> {
  return atomically(ctx, async (tx) => {
    const row = stage(await heartbeatJob(tx.db, job.job_id, progress, at));
    if (row) {
      updateLock(jobLockFile(tx.config, job), job.job_id, { heartbeat_at: row.heartbeat_at! });
    }
    return row;
  });
}

/**
 * Asks for a cancel (`requestJobCancel`): a queued job is cancelled at once and its lock released; a running job's
 * runner sees the flag within `config.jobs.poll_ms` and stops it.
 * @returns the job after the change
 * @throws NotFoundError when the job does not exist
 */
export function askCancel(ctx: JobsContext, jobId: string): Promise<Job> {
  return atomically(ctx, async (tx) => {
    const row = stage(await requestJobCancel(tx.db, jobId))!;
    if (row.state === 'cancelled') {
      await releaseLock(tx, row);
    }
    return row;
  });
}

/**
 * A runner ends its job: `finishJob`, lock released (when it still names the job), runtime.json cleared.
 * @returns the final job, or null when another process had ended it already
 */
export function settle(
  ctx: JobsContext,
  job: Job,
  end: {
    state: 'success' | 'error' | 'cancelled';
    error?: string | null;
    progress?: JobProgress | null;
  },
): Promise<Job | null> {
  return atomically(ctx, async (tx) => {
    const row = stage(await finishJob(tx.db, job.job_id, end));
    await releaseLock(tx, job);
    return row;
  });
}

/**
 * Ends a job whose runner is gone (lock takeover, cancel or resume of a stalled job): `endLostJob`, its lock
 * released, runtime.json cleared. Called with a transaction's context, it joins that transaction.
 * @returns the ended job, or null when it was final already
 */
export function abandon(
  ctx: JobsContext,
  job: Job,
  reason: string,
  state: 'error' | 'cancelled',
): Promise<Job | null> {
  return atomically(ctx, async (tx) => {
    const row = stage(await endLostJob(tx.db, job.job_id, reason, state));
    await releaseLock(tx, job);
    return row;
  });
}

/**
 * Puts a running job back in the queue (worker shutdown): `requeueJob`; it keeps its lock, as a queued job does.
 * @returns the queued job, or null when it was no longer running
 */
export function requeue(ctx: JobsContext, job: Job): Promise<Job | null> {
  return atomically(ctx, async (tx) => {
    const row = await requeueJob(tx.db, job.job_id);
    if (row) {
      await syncRuntime(tx.config.data_dir, tx.db, job.ep_id);
    }
    return row;
  });
}

/**
 * After a job's child is gone: a stage marker still `running` (the child was killed before it could write its
 * end) is finished with `status`, so that the status page does not show a stage running that nobody runs.
 * @param dataDir - data directory
 * @param job - the job
 * @param status - how it ended
 * @param error - one-line error
 */
export function settleMarker(
  dataDir: string,
  job: Job,
  status: 'error' | 'cancelled',
  error: string | null,
): void {
  const path = runPaths(dataDir, job.ep_id, job.run_id).marker(job.stage);
  const marker = readMarker(path);
  if (marker?.status === 'running') {
    writeMarker(path, finishMarker(marker, { status, error }));
  }
}
