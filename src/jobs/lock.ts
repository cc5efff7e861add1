/**
 * @module The stage lock `episodes/{ep_id}/locks/{stage}.lock`: created with O_EXCL, holding the runner's pid, host,
 * job id, start time and heartbeat. Callers change it only inside a serialised database transaction (see
 * job-state.ts), which orders every reader and writer across processes sharing the data directory.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { lockFile, writeJsonAtomic, type AnyJob, type Job } from '../store/index.ts';
import { isProcessAlive } from './processes.ts';

/**
 * @param config - loaded config (`data_dir`)
 * @param job - a stage job
 * @returns the path of the lock file of its (episode, stage)
 */
export function jobLockFile(config: Config, job: Job): string {
  return lockFile(config.data_dir, job.ep_id, job.stage);
}

/** Contents of a lock file. */
export const stageLockSchema = z.object({
  /** Process id of the runner holding the lock (API process in `local` mode, worker in `redis` mode). */
  pid: z.number().int().positive(),
  /** Host name of that process. */
  host: z.string(),
  /** The job holding the lock. */
  job_id: z.string(),
  /** When the job was admitted, ISO 8601 UTC. */
  started_at: z.iso.datetime(),
  /** Last heartbeat of the runner, ISO 8601 UTC. */
  heartbeat_at: z.iso.datetime(),
});

/** A lock file's contents. */
export type StageLock = z.infer<typeof stageLockSchema>;

/** What a lock file holds: nothing, a valid lock, or bytes that are not one (a crash between create and write). */
export type LockRead =
  { kind: 'free' } | { kind: 'held'; lock: StageLock } | { kind: 'unreadable' };

/**
 * @param path - `lockFile(dataDir, epId, stage)`
 * @returns the lock file's state
 */
export function readLock(path: string): LockRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { kind: 'free' };
    }
    throw err;
  }
  try {
    const parsed = stageLockSchema.safeParse(JSON.parse(text));
    return parsed.success ? { kind: 'held', lock: parsed.data } : { kind: 'unreadable' };
  } catch {
    // Not JSON: a holder that died between creating and writing the file.
    return { kind: 'unreadable' };
  }
}

/**
 * Creates the lock file with O_EXCL.
 * @param path - lock path
 * @param lock - contents
 * @returns false when the file already exists
 * @throws the write error (ENOSPC on a full disk, answered 507 by the API) after removing the file it created
 */
export function createLock(path: string, lock: StageLock): boolean {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(lock, null, 2)}\n`);
  } catch (err) {
    // A full disk (ENOSPC) or any write failure: leave no empty lock file that would block the stage.
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
  closeSync(fd);
  return true;
}

/**
 * Rewrites the lock of `jobId` (new runner, heartbeat) atomically; does nothing when another job holds it.
 * @param path - lock path
 * @param jobId - the job that must hold it
 * @param change - fields to set
 */
export function updateLock(
  path: string,
  jobId: string,
  change: Partial<Omit<StageLock, 'job_id'>>,
): void {
  const read = readLock(path);
  if (read.kind === 'held' && read.lock.job_id === jobId) {
    writeJsonAtomic(path, { ...read.lock, ...change });
  }
}

/**
 * Removes the lock when `jobId` holds it (or when it is unreadable and `jobId` is null).
 * @param path - lock path
 * @param jobId - the job releasing it; null removes whatever is there (takeover)
 */
export function removeLock(path: string, jobId: string | null): void {
  const read = readLock(path);
  if (
    read.kind === 'free' ||
    (jobId !== null && (read.kind !== 'held' || read.lock.job_id !== jobId))
  ) {
    return;
  }
  try {
    unlinkSync(path);
  } catch (err) {
    // Gone already: released is the wanted end state.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
}

/** Whether a job still holds its stage, and why not. */
export type HolderVerdict = { live: true } | { live: false; reason: string };

/**
 * Judges the holder of a stage (or, without a lock, the runner of a job of any kind): a queued job is live; a running
 * job is live unless its runner process is gone (same host) or its heartbeat is older than `stallAfterS`; a final or
 * missing job holds nothing.
 * @param job - the job named by the lock (or the active job), null when the database has none
 * @param lock - the lock naming it, when there is one (its pid, host and heartbeat win over the row's)
 * @param opts - this host, the time, the stall threshold in seconds (`config.jobs.stall_after_s`)
 */
export function judgeHolder(
  job: AnyJob | null,
  lock: StageLock | null,
  opts: { host: string; now: Date; stallAfterS: number },
): HolderVerdict {
  if (!job) {
    return { live: false, reason: `job ${lock?.job_id ?? '?'} does not exist` };
  }
  if (job.state === 'queued') {
    return { live: true };
  }
  if (job.state !== 'running') {
    return { live: false, reason: `job ${job.job_id} is already ${job.state}` };
  }
  const host = lock?.host ?? job.host;
  const pid = lock?.pid ?? job.runner_pid;
  if (host === opts.host && pid !== null && !isProcessAlive(pid)) {
    return { live: false, reason: `its runner process ${pid} on ${host} is gone` };
  }
  const beat = lock?.heartbeat_at ?? job.heartbeat_at ?? job.created_at;
  const ageS = (opts.now.getTime() - Date.parse(beat)) / 1000;
  if (ageS > opts.stallAfterS) {
    return {
      live: false,
      reason: `no heartbeat for ${ageS.toFixed(0)} s (stall threshold ${opts.stallAfterS} s)`,
    };
  }
  return { live: true };
}
