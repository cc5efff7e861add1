/**
 * @module Jobs in the database: one row per stage run started through the jobs layer. Every state change is one
 * async function running one serialised transaction ({@link transact}: BullMQ's one-script-per-transition), with a
 * header comment listing preconditions, effects and errors. A state change that finds the job in another state
 * returns null: another process got there first, and the caller decides what that means.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { DeviceName, EpisodeId, ProfileName, RunId, Stage } from '../../types.ts';
import type { ExecutionMode } from '../artifacts/runtime.ts';
import type { Selectable, Updateable } from 'kysely';
import { transact, type Db } from './open.ts';
import type { JobsTable } from './schema.ts';

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

type JobUpdate = Omit<Updateable<JobsTable>, 'job_id'>;

/** The job states in which a job holds its stage. */
const ACTIVE: JobState[] = ['queued', 'running'];

function fromRow(row: Selectable<JobsTable> | undefined): Job | null {
  if (!row) {
    return null;
  }
  return {
    ...(row as Omit<Job, 'allow_cpu_fallback' | 'resume' | 'progress'>),
    allow_cpu_fallback: row.allow_cpu_fallback === 1,
    resume: row.resume === 1,
    progress: row.progress === null ? null : (JSON.parse(row.progress) as JobProgress),
  };
}

/**
 * Tells a unique-index violation (the `jobs_one_active` backstop, or a primary key) apart from other errors, on
 * either engine.
 * @internal
 * @param err - what a statement threw
 * @returns true for PostgreSQL's `23505` or SQLite's `UNIQUE constraint failed`
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === '23505' ||
    (typeof e?.message === 'string' && e.message.includes('UNIQUE constraint failed'))
  );
}

/**
 * Runs one UPDATE of the job as its own transaction (or in the caller's), when it is in one of `states`.
 * @returns the updated job, or null when it was in another state (or does not exist)
 */
async function transition(
  db: Db,
  jobId: string,
  states: JobState[],
  set: JobUpdate,
  extra: { notStalled?: boolean } = {},
): Promise<Job | null> {
  return transact(db, async (tx) => {
    let query = tx.q
      .updateTable('jobs')
      .set(set)
      .where('job_id', '=', jobId)
      .where('state', 'in', states);
    if (extra.notStalled) {
      query = query.where('stalled_at', 'is', null);
    }
    return fromRow(await query.returningAll().executeTakeFirst());
  });
}

/**
 * Creates a job.
 *
 * Preconditions: the episode and run exist; no queued or running job of (episode, stage).
 * Effects (one transaction): inserts the row; a `running` job gets `started_at = heartbeat_at = now` and its runner.
 * `created_at` is `now`, moved 1 ms past the newest job of (episode, stage) when that one is not older, so that
 * creation order is a total order per stage on either engine (see {@link listStageJobs}).
 * Errors: ConflictError (`CONFLICT`) when another job of (episode, stage) is active (checked first; the unique
 * index `jobs_one_active` is the backstop).
 * @param db - open database or transaction
 * @param input - the job
 * @param now - creation time (default: the current time)
 * @returns the stored job
 */
export async function insertJob(db: Db, input: NewJob, now: Date = new Date()): Promise<Job> {
  return transact(db, async (tx) => {
    const busy = `A job of ${input.stage} for ${input.ep_id} is already active`;
    if (await findActiveJob(tx, input.ep_id, input.stage)) {
      throw new ConflictError(busy);
    }
    const [newest] = await listStageJobs(tx, input.ep_id, input.stage, 1);
    const atMs = Math.max(now.getTime(), newest ? Date.parse(newest.created_at) + 1 : 0);
    const ts = new Date(atMs).toISOString();
    const running = input.state === 'running';
    try {
      const row = await tx.q
        .insertInto('jobs')
        .values({
          job_id: `job-${randomUUID()}`,
          ep_id: input.ep_id,
          run_id: input.run_id,
          stage: input.stage,
          mode: input.mode,
          state: input.state,
          profile: input.profile,
          device: input.device,
          allow_cpu_fallback: input.allow_cpu_fallback ? 1 : 0,
          resume: input.resume ? 1 : 0,
          resumed_from: input.resumed_from ?? null,
          created_at: ts,
          started_at: running ? ts : null,
          heartbeat_at: running ? ts : null,
          host: input.runner?.host ?? null,
          runner_pid: input.runner?.pid ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row)!;
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(busy, { cause: err });
      }
      throw err;
    }
  });
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
export async function claimJob(
  db: Db,
  jobId: string,
  runner: { host: string; pid: number },
  now = new Date(),
): Promise<Job | null> {
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    await requireJob(tx, jobId);
    return transition(tx, jobId, ['queued'], {
      state: 'running',
      started_at: ts,
      heartbeat_at: ts,
      stalled_at: null,
      host: runner.host,
      runner_pid: runner.pid,
      child_pid: null,
    });
  });
}

/**
 * Records the stage's child process of a running job.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `child_pid`, `heartbeat_at = now`.
 * Errors: none.
 * @returns the job, or null when it is no longer running
 */
export async function recordJobChild(
  db: Db,
  jobId: string,
  childPid: number,
  now = new Date(),
): Promise<Job | null> {
  return transition(db, jobId, ['running'], {
    child_pid: childPid,
    heartbeat_at: now.toISOString(),
  });
}

/**
 * A runner reports that its job is alive.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `heartbeat_at = now`, `stalled_at` cleared, `progress` replaced when given.
 * Errors: none.
 * @returns the job (its `cancel_requested_at` tells the runner to stop), or null when it is no longer running
 */
export async function heartbeatJob(
  db: Db,
  jobId: string,
  progress: JobProgress | null,
  now = new Date(),
): Promise<Job | null> {
  return transition(db, jobId, ['running'], {
    heartbeat_at: now.toISOString(),
    stalled_at: null,
    ...(progress ? { progress: JSON.stringify(progress) } : {}),
  });
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
export async function requestJobCancel(db: Db, jobId: string, now = new Date()): Promise<Job> {
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    const job = await requireJob(tx, jobId);
    if (job.state === 'queued') {
      return (await transition(tx, jobId, ['queued'], { state: 'cancelled', finished_at: ts }))!;
    }
    if (job.state === 'running' && job.cancel_requested_at === null) {
      return (await transition(tx, jobId, ['running'], { cancel_requested_at: ts }))!;
    }
    return job;
  });
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
export async function finishJob(
  db: Db,
  jobId: string,
  end: {
    state: 'success' | 'error' | 'cancelled';
    error?: string | null;
    progress?: JobProgress | null;
  },
  now = new Date(),
): Promise<Job | null> {
  return transition(db, jobId, ['running'], {
    state: end.state,
    finished_at: now.toISOString(),
    error: end.error ?? null,
    ...(end.progress ? { progress: JSON.stringify(end.progress) } : {}),
  });
}

/**
 * Ends a job whose runner is gone (its lock was taken over, or it is cancelled or resumed while stalled).
 *
 * Preconditions: the job is `queued` or `running`.
 * Effects (one transaction): state `state` (default `error`), `finished_at = now`, `error = reason`.
 * Errors: none.
 * @returns the ended job, or null when it was already final
 */
export async function endLostJob(
  db: Db,
  jobId: string,
  reason: string,
  state: 'error' | 'cancelled' = 'error',
  now = new Date(),
): Promise<Job | null> {
  return transition(db, jobId, ACTIVE, { state, finished_at: now.toISOString(), error: reason });
}

/**
 * Records that a reader saw a running job stalled (heartbeat too old or runner process gone).
 *
 * Preconditions: the job is `running` and not yet marked.
 * Effects (one transaction): `stalled_at = now`.
 * Errors: none.
 * @returns true when this call marked it (the caller logs `job.stalled` once)
 */
export async function markJobStalled(db: Db, jobId: string, now = new Date()): Promise<boolean> {
  const marked = await transition(
    db,
    jobId,
    ['running'],
    { stalled_at: now.toISOString() },
    { notStalled: true },
  );
  return marked !== null;
}

/**
 * Puts a running job back in the queue (graceful worker shutdown); the next runner resumes it.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): state `queued`, `resume = 1`, runner, child and heartbeat cleared.
 * Errors: none.
 * @returns the queued job, or null when it was no longer running
 */
export async function requeueJob(db: Db, jobId: string): Promise<Job | null> {
  return transition(db, jobId, ['running'], {
    state: 'queued',
    resume: 1,
    heartbeat_at: null,
    stalled_at: null,
    host: null,
    runner_pid: null,
    child_pid: null,
  });
}

/**
 * @param db - open database or transaction
 * @param jobId - job id
 * @returns the job, or null when there is none with this id
 */
export async function getJob(db: Db, jobId: string): Promise<Job | null> {
  return fromRow(
    await db.q.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst(),
  );
}

async function requireJob(db: Db, jobId: string): Promise<Job> {
  const job = await getJob(db, jobId);
  if (!job) {
    throw new NotFoundError(
      `Job ${jobId} does not exist: list running jobs with GET /episodes/{ep_id}/jobs/running`,
    );
  }
  return job;
}

/**
 * @param db - open database or transaction
 * @param epId - episode id
 * @param stage - the stage
 * @returns the queued or running job of (episode, stage), or null
 */
export async function findActiveJob(db: Db, epId: EpisodeId, stage: Stage): Promise<Job | null> {
  return fromRow(
    await db.q
      .selectFrom('jobs')
      .selectAll()
      .where('ep_id', '=', epId)
      .where('stage', '=', stage)
      .where('state', 'in', ACTIVE)
      .executeTakeFirst(),
  );
}

/**
 * @param db - open database or transaction
 * @param epId - episode id; omitted: every episode
 * @returns the queued and running jobs of the episode (or of all), in order of creation (then of job id)
 */
export async function listActiveJobs(db: Db, epId?: EpisodeId): Promise<Job[]> {
  let query = db.q.selectFrom('jobs').selectAll().where('state', 'in', ACTIVE);
  if (epId !== undefined) {
    query = query.where('ep_id', '=', epId);
  }
  const rows = await query.orderBy('created_at').orderBy('job_id').execute();
  return rows.map((r) => fromRow(r)!);
}

/**
 * @param db - open database or transaction
 * @param epId - episode id
 * @param stage - the stage
 * @param limit - most rows returned
 * @returns the jobs of (episode, stage), newest first ({@link insertJob} keeps their `created_at` distinct)
 */
export async function listStageJobs(
  db: Db,
  epId: EpisodeId,
  stage: Stage,
  limit: number,
): Promise<Job[]> {
  const rows = await db.q
    .selectFrom('jobs')
    .selectAll()
    .where('ep_id', '=', epId)
    .where('stage', '=', stage)
    .orderBy('created_at', 'desc')
    .orderBy('job_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => fromRow(r)!);
}
