/**
 * @module Jobs in the database: one row per stage run started through the jobs layer. Every state change is one
 * function running one IMMEDIATE transaction (BullMQ's one-script-per-transition), with a header comment listing
 * preconditions, effects and errors. A state change that finds the job in another state returns null: another
 * process got there first, and the caller decides what that means.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { DeviceName, EpisodeId, ProfileName, RunId, Stage } from '../../types.ts';
import type { ExecutionMode } from '../artifacts/runtime.ts';
import type { Db } from './open.ts';

/** Job states. `queued` and `running` are active; the others are final. */
export const JOB_STATES = ['queued', 'running', 'success', 'error', 'cancelled'] as const;

/** A job state. */
export type JobState = (typeof JOB_STATES)[number];

/** The last progress a job reported (from the stage's `progress.json`). */
export interface JobProgress {
  /** Units done (analysed frames for detect_track). */
  frames_done: number;
  /** Units in total; null when unknown. */
  frames_total: number | null;
  /** Units per second. */
  fps: number;
  /** Estimated seconds left; null when unknown. */
  eta_s: number | null;
}

/** A `jobs` row. Times are ISO 8601 UTC. */
export interface Job {
  /** Job id (`job-` + UUID); also the BullMQ job id in `redis` mode. */
  job_id: string;
  /** Episode id. */
  ep_id: EpisodeId;
  /** The run the stage writes into. */
  run_id: RunId;
  /** The stage. */
  stage: Stage;
  /** Execution mode. */
  mode: ExecutionMode;
  /** State. */
  state: JobState;
  /** Requested profile. */
  profile: ProfileName;
  /** Requested device. */
  device: DeviceName;
  /** Fall back to CPU when the device is unavailable. */
  allow_cpu_fallback: boolean;
  /** Continue from the stage's checkpoint in the run. */
  resume: boolean;
  /** The job this one resumes, or null. */
  resumed_from: string | null;
  /** Creation time. */
  created_at: string;
  /** When a runner claimed it; null while queued. */
  started_at: string | null;
  /** When it reached a final state. */
  finished_at: string | null;
  /** Last heartbeat of its runner; null while queued. */
  heartbeat_at: string | null;
  /** When a reader first saw it stalled (cleared by the next heartbeat). */
  stalled_at: string | null;
  /** When a cancel was asked for while it ran. */
  cancel_requested_at: string | null;
  /** Host of the runner (worker or API process). */
  host: string | null;
  /** Process id of the runner on `host`. */
  runner_pid: number | null;
  /** Process id (and process group id) of the stage's child process on `host`. */
  child_pid: number | null;
  /** Last progress. */
  progress: JobProgress | null;
  /** One-line error of a failed job (`timeout`, a stage error, `lost: ...`). */
  error: string | null;
}

/** What a caller gives to create a job. */
export interface NewJob {
  /** Episode id (registered). */
  ep_id: EpisodeId;
  /** Run id (existing run of the episode). */
  run_id: RunId;
  /** The stage. */
  stage: Stage;
  /** Execution mode. */
  mode: ExecutionMode;
  /** `queued` (redis: a worker claims it) or `running` (local: the caller runs it now). */
  state: 'queued' | 'running';
  /** Requested profile. */
  profile: ProfileName;
  /** Requested device. */
  device: DeviceName;
  /** CPU fallback allowed. */
  allow_cpu_fallback: boolean;
  /** Resume from the checkpoint. Default false. */
  resume?: boolean;
  /** Job resumed. */
  resumed_from?: string | null;
  /** Runner that runs it now (local mode). */
  runner?: { host: string; pid: number };
}

type Row = Omit<Job, 'allow_cpu_fallback' | 'resume' | 'progress'> & {
  allow_cpu_fallback: number;
  resume: number;
  progress: string | null;
};

function fromRow(row: unknown): Job | null {
  if (!row) {
    return null;
  }
  const r = row as Row;
  return {
    ...r,
    allow_cpu_fallback: r.allow_cpu_fallback === 1,
    resume: r.resume === 1,
    progress: r.progress === null ? null : (JSON.parse(r.progress) as JobProgress),
  };
}

function selectJobs(db: Db, sql: string, ...params: unknown[]): Job[] {
  return db
    .prepare(sql)
    .all(...params)
    .map((r) => fromRow(r)!);
}

function update(db: Db, sql: string, params: Record<string, unknown>): Job | null {
  return fromRow(db.prepare(`UPDATE jobs SET ${sql} RETURNING *`).get(params));
}

/** Runs one `update` alone in one IMMEDIATE transaction (a state change with no read before it). */
function transition(db: Db, sql: string, params: Record<string, unknown>): Job | null {
  return db.transaction(() => update(db, sql, params)).immediate();
}

/**
 * Creates a job.
 *
 * Preconditions: the episode and run exist; no queued or running job of (episode, stage).
 * Effects (one transaction): inserts the row; a `running` job gets `started_at = heartbeat_at = now` and its runner.
 * Errors: ConflictError (`CONFLICT`) when another job of (episode, stage) is active (unique index).
 * @param db - open database
 * @param input - the job
 * @param now - creation time (default: the current time)
 * @returns the stored job
 */
export function insertJob(db: Db, input: NewJob, now: Date = new Date()): Job {
  const ts = now.toISOString();
  const running = input.state === 'running';
  const row = {
    job_id: `job-${randomUUID()}`,
    ...input,
    allow_cpu_fallback: input.allow_cpu_fallback ? 1 : 0,
    resume: input.resume ? 1 : 0,
    resumed_from: input.resumed_from ?? null,
    created_at: ts,
    started_at: running ? ts : null,
    heartbeat_at: running ? ts : null,
    host: input.runner?.host ?? null,
    runner_pid: input.runner?.pid ?? null,
  };
  return db
    .transaction(() => {
      if (findActiveJob(db, input.ep_id, input.stage)) {
        throw new ConflictError(`A job of ${input.stage} for ${input.ep_id} is already active`);
      }
      return fromRow(
        db
          .prepare(
            `INSERT INTO jobs (job_id, ep_id, run_id, stage, mode, state, profile, device, allow_cpu_fallback,
               resume, resumed_from, created_at, started_at, heartbeat_at, host, runner_pid)
             VALUES (@job_id, @ep_id, @run_id, @stage, @mode, @state, @profile, @device, @allow_cpu_fallback,
               @resume, @resumed_from, @created_at, @started_at, @heartbeat_at, @host, @runner_pid)
             RETURNING *`,
          )
          .get(row),
      )!;
    })
    .immediate();
}

/**
 * A runner takes a queued job.
 *
 * Preconditions: the job is `queued`.
 * Effects (one transaction): state `running`, `started_at = heartbeat_at = now`, runner host and pid set, child pid
 * cleared.
 * Errors: NotFoundError (`NOT_FOUND`) when the job does not exist.
 * @returns the running job, or null when it is no longer queued (cancelled before a runner took it)
 */
export function claimJob(
  db: Db,
  jobId: string,
  runner: { host: string; pid: number },
  now = new Date(),
): Job | null {
  return db
    .transaction(() => {
      requireJob(db, jobId);
      return update(
        db,
        `state = 'running', started_at = @ts, heartbeat_at = @ts, stalled_at = NULL, host = @host,
         runner_pid = @pid, child_pid = NULL WHERE job_id = @jobId AND state = 'queued'`,
        { jobId, ts: now.toISOString(), ...runner },
      );
    })
    .immediate();
}

/**
 * Records the stage's child process of a running job.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `child_pid`, `heartbeat_at = now`.
 * Errors: none.
 * @returns the job, or null when it is no longer running
 */
export function recordJobChild(
  db: Db,
  jobId: string,
  childPid: number,
  now = new Date(),
): Job | null {
  return transition(
    db,
    `child_pid = @childPid, heartbeat_at = @ts WHERE job_id = @jobId AND state = 'running'`,
    { jobId, childPid, ts: now.toISOString() },
  );
}

/**
 * A runner reports that its job is alive.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `heartbeat_at = now`, `stalled_at` cleared, `progress` replaced when given.
 * Errors: none.
 * @returns the job (its `cancel_requested_at` tells the runner to stop), or null when it is no longer running
 */
export function heartbeatJob(
  db: Db,
  jobId: string,
  progress: JobProgress | null,
  now = new Date(),
): Job | null {
  return transition(
    db,
    `heartbeat_at = @ts, stalled_at = NULL, progress = COALESCE(@progress, progress)
     WHERE job_id = @jobId AND state = 'running'`,
    { jobId, ts: now.toISOString(), progress: progress ? JSON.stringify(progress) : null },
  );
}

/**
 * Asks for a job to be cancelled.
 *
 * Preconditions: the job exists.
 * Effects (one transaction): a `queued` job becomes `cancelled` at once; a `running` job gets
 * `cancel_requested_at = now` (its runner stops the child and finishes it); a final job is left as is.
 * Errors: NotFoundError (`NOT_FOUND`) when the job does not exist.
 * @returns the job after the change
 */
export function requestJobCancel(db: Db, jobId: string, now = new Date()): Job {
  return db
    .transaction(() => {
      const job = requireJob(db, jobId);
      const ts = now.toISOString();
      if (job.state === 'queued') {
        return update(db, `state = 'cancelled', finished_at = @ts WHERE job_id = @jobId`, {
          jobId,
          ts,
        })!;
      }
      if (job.state === 'running' && job.cancel_requested_at === null) {
        return update(db, `cancel_requested_at = @ts WHERE job_id = @jobId`, { jobId, ts })!;
      }
      return job;
    })
    .immediate();
}

/**
 * A runner records how its job ended.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): final `state`, `finished_at = now`, `error`, `progress` when given.
 * Errors: none.
 * @returns the finished job, or null when it was no longer running (another process ended it, e.g. a cancel of a
 *   job that looked stalled)
 */
export function finishJob(
  db: Db,
  jobId: string,
  end: {
    state: 'success' | 'error' | 'cancelled';
    error?: string | null;
    progress?: JobProgress | null;
  },
  now = new Date(),
): Job | null {
  return transition(
    db,
    `state = @state, finished_at = @ts, error = @error, progress = COALESCE(@progress, progress)
     WHERE job_id = @jobId AND state = 'running'`,
    {
      jobId,
      ts: now.toISOString(),
      state: end.state,
      error: end.error ?? null,
      progress: end.progress ? JSON.stringify(end.progress) : null,
    },
  );
}

/**
 * Ends a job whose runner is gone (its lock was taken over, or it is cancelled or resumed while stalled).
 *
 * Preconditions: the job is `queued` or `running`.
 * Effects (one transaction): state `state` (default `error`), `finished_at = now`, `error = reason`.
 * Errors: none.
 * @returns the ended job, or null when it was already final
 */
export function endLostJob(
  db: Db,
  jobId: string,
  reason: string,
  state: 'error' | 'cancelled' = 'error',
  now = new Date(),
): Job | null {
  return transition(
    db,
    `state = @state, finished_at = @ts, error = @reason WHERE job_id = @jobId AND state IN ('queued', 'running')`,
    { jobId, reason, state, ts: now.toISOString() },
  );
}

/**
 * Records that a reader saw a running job stalled (heartbeat too old or runner process gone).
 *
 * Preconditions: the job is `running` and not yet marked.
 * Effects (one transaction): `stalled_at = now`.
 * Errors: none.
 * @returns true when this call marked it (the caller logs `job.stalled` once)
 */
export function markJobStalled(db: Db, jobId: string, now = new Date()): boolean {
  return (
    transition(
      db,
      `stalled_at = @ts WHERE job_id = @jobId AND state = 'running' AND stalled_at IS NULL`,
      { jobId, ts: now.toISOString() },
    ) !== null
  );
}

/**
 * Puts a running job back in the queue (graceful worker shutdown); the next runner resumes it.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): state `queued`, `resume = 1`, runner, child and heartbeat cleared.
 * Errors: none.
 * @returns the queued job, or null when it was no longer running
 */
export function requeueJob(db: Db, jobId: string): Job | null {
  return transition(
    db,
    `state = 'queued', resume = 1, heartbeat_at = NULL, stalled_at = NULL, host = NULL, runner_pid = NULL,
     child_pid = NULL WHERE job_id = @jobId AND state = 'running'`,
    { jobId },
  );
}

/**
 * @returns the job, or null when there is none with this id
 */
export function getJob(db: Db, jobId: string): Job | null {
  return fromRow(db.prepare('SELECT * FROM jobs WHERE job_id = ?').get(jobId));
}

function requireJob(db: Db, jobId: string): Job {
  const job = getJob(db, jobId);
  if (!job) {
    throw new NotFoundError(
      `Job ${jobId} does not exist: list running jobs with GET /episodes/{ep_id}/jobs/running`,
    );
  }
  return job;
}

/**
 * @returns the queued or running job of (episode, stage), or null
 */
export function findActiveJob(db: Db, epId: EpisodeId, stage: Stage): Job | null {
  return fromRow(
    db
      .prepare(
        `SELECT * FROM jobs WHERE ep_id = ? AND stage = ? AND state IN ('queued', 'running')`,
      )
      .get(epId, stage),
  );
}

/**
 * @param db - open database
 * @param epId - episode id; omitted: every episode
 * @returns the queued and running jobs of the episode (or of all), in order of creation
 */
export function listActiveJobs(db: Db, epId?: EpisodeId): Job[] {
  const activeInOrder = `state IN ('queued', 'running') ORDER BY created_at`;
  return epId === undefined
    ? selectJobs(db, `SELECT * FROM jobs WHERE ${activeInOrder}`)
    : selectJobs(db, `SELECT * FROM jobs WHERE ep_id = ? AND ${activeInOrder}`, epId);
}

/**
 * @param db - open database
 * @param epId - episode id
 * @param stage - the stage
 * @param limit - most rows returned
 * @returns the jobs of (episode, stage), newest first
 */
export function listStageJobs(db: Db, epId: EpisodeId, stage: Stage, limit: number): Job[] {
  return selectJobs(
    db,
    'SELECT * FROM jobs WHERE ep_id = ? AND stage = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    epId,
    stage,
    limit,
  );
}
