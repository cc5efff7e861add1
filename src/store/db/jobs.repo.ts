/**
 * @module Jobs in the database: one row per job of every kind in the one `jobs` table, told apart by `kind`:
 * `stage` (a stage run started through the jobs layer; `name` is the stage) and `review` (a long review operation;
 * `name` is the operation). Each lifecycle operation has one implementation for every kind; rows come back typed by
 * kind ({@link Job}, {@link ReviewJob}, {@link AnyJob}). Every state change is one async function running one
 * serialised transaction ({@link transact}: BullMQ's one-script-per-transition), with a header comment listing
 * preconditions, effects and errors. A state change that finds the job in another state returns null: another
 * process got there first, and the caller decides what that means.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ConflictError, NotFoundError } from '../../errors.ts';
import type { DeviceName, EpisodeId, ProfileName, RunId, Stage } from '../../types.ts';
import type { ExecutionMode } from '../artifacts/runtime.ts';
import type { Selectable, Updateable } from 'kysely';
import { transact, type Db } from './open.ts';
import type { JobsTable } from './schema.ts';

/** Job states. `queued` and `running` are active; the others are final. */
export const JOB_STATES = ['queued', 'running', 'success', 'error', 'cancelled'] as const;

/** A job state. */
export type JobState = (typeof JOB_STATES)[number];

/** The kinds of job: a stage run, or a long review operation. */
export const JOB_KINDS = ['stage', 'review'] as const;

/** A kind of job. */
export type JobKind = (typeof JOB_KINDS)[number];

/** The last progress a stage job reported (from the stage's `progress.json`). */
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

/** Progress of a review job: units (identities) done out of a total. */
export interface ReviewJobProgress {
  /** Units done. */
  done: number;
  /** Units in all. */
  total: number;
}

/** The columns every kind of job has. Times are ISO 8601 UTC. */
interface JobRecord {
  /** Job id (`job-` + UUID for a stage job, `rjob-` + UUID for a review job); also the BullMQ job id in `redis` mode. */
  job_id: string;
  /** Episode id. */
  ep_id: EpisodeId;
  /** The run the job works on. */
  run_id: RunId;
  /** Execution mode. */
  mode: ExecutionMode;
  /** State. */
  state: JobState;
  /** Who started it (the reviewer of a review job; the signed-in user of a stage job when known), or null. */
  requested_by: string | null;
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
  /** Process id (and process group id) of a stage job's child process on `host`; null for review jobs. */
  child_pid: number | null;
  /** One-line error of a failed job (`timeout`, a stage error, `lost: ...`). */
  error: string | null;
}

/** The parameters of a stage job (its `params` object). */
export interface StageJobParams {
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
}

/** A stage job (a `jobs` row of kind `stage`). */
export interface Job extends JobRecord, StageJobParams {
  /** Always `stage`. */
  kind: 'stage';
  /** The stage. */
  stage: Stage;
  /** Last progress. */
  progress: JobProgress | null;
}

/** A review job (a `jobs` row of kind `review`). */
export interface ReviewJob extends JobRecord {
  /** Always `review`. */
  kind: 'review';
  /** Operation name (`refresh_similarity`, `group`, `batch_assign`, `cleanup`). */
  operation: string;
  /** Operation parameters. */
  params: unknown;
  /** Who asked for it (the same as `requested_by`). */
  reviewer: string;
  /** Last progress. */
  progress: ReviewJobProgress | null;
  /** Result of a successful job (shape per operation). */
  result: unknown;
}

/** The job type of each kind. */
export interface JobsByKind {
  /** Stage jobs. */
  stage: Job;
  /** Review jobs. */
  review: ReviewJob;
}

/** A job of any kind: narrow on `kind`. */
export type AnyJob = JobsByKind[JobKind];

/** What a caller gives to create a job of either kind. */
interface NewJobRecord {
  /** Episode id (registered). */
  ep_id: EpisodeId;
  /** Run id (existing run of the episode). */
  run_id: RunId;
  /** Execution mode. */
  mode: ExecutionMode;
  /** Runner that runs it now (local mode: created `running`); absent: created `queued` (a worker claims it). */
  runner?: { host: string; pid: number };
}

/** What a caller gives to create a stage job. */
export interface NewJob extends NewJobRecord {
  /** Always `stage`. */
  kind: 'stage';
  /** The stage. */
  stage: Stage;
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
  /** The signed-in user who started it, when known. */
  requested_by?: string | null;
}

/** What a caller gives to create a review job. */
export interface NewReviewJob extends NewJobRecord {
  /** Always `review`. */
  kind: 'review';
  /** Operation. */
  operation: string;
  /** Parameters (stored as JSON). */
  params: unknown;
  /** Reviewer (stored as `requested_by`). */
  reviewer: string;
}

type JobUpdate = Omit<Updateable<JobsTable>, 'job_id' | 'seq' | 'kind'>;

/** The job states in which a job holds its (episode, kind, name). */
const ACTIVE: JobState[] = ['queued', 'running'];

/** Job id prefix per kind. */
const ID_PREFIX: Record<JobKind, string> = { stage: 'job', review: 'rjob' };

function parsed<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function fromRow(row: Selectable<JobsTable> | undefined): AnyJob | null {
  if (!row) {
    return null;
  }
  const record: JobRecord = {
    job_id: row.job_id,
    ep_id: row.ep_id,
    run_id: row.run_id,
    mode: row.mode as ExecutionMode,
    state: row.state as JobState,
    requested_by: row.requested_by,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    heartbeat_at: row.heartbeat_at,
    stalled_at: row.stalled_at,
    cancel_requested_at: row.cancel_requested_at,
    host: row.host,
    runner_pid: row.runner_pid,
    child_pid: row.child_pid,
    error: row.error,
  };
  if (row.kind === 'review') {
    return {
      ...record,
      kind: 'review',
      operation: row.name,
      params: parsed<unknown>(row.params),
      reviewer: row.requested_by ?? '',
      progress: parsed<ReviewJobProgress>(row.progress),
      result: parsed<unknown>(row.result),
    };
  }
  return {
    ...record,
    ...parsed<StageJobParams>(row.params)!,
    kind: 'stage',
    stage: row.name as Stage,
    progress: parsed<JobProgress>(row.progress),
  };
}

/** The `name`, `params` and `requested_by` columns of a new job. */
function describeNew(input: NewJob | NewReviewJob): {
  name: string;
  params: string;
  requested_by: string | null;
} {
  if (input.kind === 'review') {
    return {
      name: input.operation,
      params: JSON.stringify(input.params),
      requested_by: input.reviewer,
    };
  }
  const params: StageJobParams = {
    profile: input.profile,
    device: input.device,
    allow_cpu_fallback: input.allow_cpu_fallback,
    resume: input.resume ?? false,
    resumed_from: input.resumed_from ?? null,
  };
  return {
    name: input.stage,
    params: JSON.stringify(params),
    requested_by: input.requested_by ?? null,
  };
}

/**
 * Narrows a job read or changed by id to the kind the caller works with.
 * @param kind - the kind expected
 * @param job - the job, or null
 * @returns the job typed by its kind, or null when `job` is null
 * @throws AppError (`INTERNAL`) when the job is of another kind (a caller mixed up job ids)
 */
export function jobOfKind<K extends JobKind>(kind: K, job: AnyJob | null): JobsByKind[K] | null {
  if (job !== null && job.kind !== kind) {
    throw new AppError(
      'INTERNAL',
      500,
      `Job ${job.job_id} is a ${job.kind} job, not a ${kind} job`,
    );
  }
  return job as JobsByKind[K] | null;
}

/**
 * Tells a unique-index violation (the `jobs_one_active` backstop, or a key) apart from other errors, on either
 * engine.
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
): Promise<AnyJob | null> {
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

/** The 409 text when (episode, kind, name) already has an active job (`active`, or unknown: the index said so). */
function busyText(kind: JobKind, name: string, epId: EpisodeId, active: AnyJob | null): string {
  if (!active) {
    return `${name} of ${epId} is already active: wait for it, then retry`;
  }
  const route = kind === 'review' ? 'review_jobs' : 'jobs';
  return `${name} of ${epId} is already ${active.state} as job ${active.job_id}: wait for it (GET /${route}/${active.job_id})`;
}

/**
 * Creates a job.
 *
 * Preconditions: the episode and run exist; no queued or running job of (episode, kind, name).
 * Effects (one transaction): inserts the row (numbered by `seq`, the creation order); with a `runner` it is
 * created `running` with `started_at = heartbeat_at = now` and that runner, else `queued`.
 * Errors: ConflictError (`CONFLICT`) naming the active job of (episode, kind, name) (checked first; the unique
 * index `jobs_one_active` is the backstop).
 * @param db - open database or transaction
 * @param input - the job
 * @param now - creation time (default: the current time)
 * @returns the stored job
 */
export async function insertJob(db: Db, input: NewJob, now?: Date): Promise<Job>;
/** Creates a review job (see the stage overload). */
export async function insertJob(db: Db, input: NewReviewJob, now?: Date): Promise<ReviewJob>;
export async function insertJob(
  db: Db,
  input: NewJob | NewReviewJob,
  now: Date = new Date(),
): Promise<AnyJob> {
  const { name, params, requested_by } = describeNew(input);
  const ts = now.toISOString();
  const running = input.runner !== undefined;
  return transact(db, async (tx) => {
    const active = await findActiveJob(tx, input.ep_id, name, input.kind);
    if (active) {
      throw new ConflictError(busyText(input.kind, name, input.ep_id, active));
    }
    try {
      const row = await tx.q
        .insertInto('jobs')
        .values({
          job_id: `${ID_PREFIX[input.kind]}-${randomUUID()}`,
          kind: input.kind,
          name,
          ep_id: input.ep_id,
          run_id: input.run_id,
          mode: input.mode,
          state: running ? 'running' : 'queued',
          params,
          requested_by,
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
        throw new ConflictError(busyText(input.kind, name, input.ep_id, null), { cause: err });
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
 * and stall mark cleared.
 * Errors: NotFoundError (`NOT_FOUND`) when the job does not exist.
 * @returns the running job, or null when it is no longer queued (cancelled before a runner took it)
 */
export async function claimJob(
  db: Db,
  jobId: string,
  runner: { host: string; pid: number },
  now = new Date(),
): Promise<AnyJob | null> {
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
 * Records the stage's child process of a running stage job.
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
): Promise<AnyJob | null> {
  return transition(db, jobId, ['running'], {
    child_pid: childPid,
    heartbeat_at: now.toISOString(),
  });
}

/**
 * A runner reports that its job is alive, and how far it got.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `heartbeat_at = now`, `stalled_at` cleared, `progress` replaced when given.
 * Errors: none.
 * @param progress - the job's progress (its kind's shape), or null to keep the stored one
 * @returns the job (its `cancel_requested_at` tells the runner to stop), or null when it is no longer running
 */
export async function heartbeatJob(
  db: Db,
  jobId: string,
  progress: AnyJob['progress'],
  now = new Date(),
): Promise<AnyJob | null> {
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
 * `cancel_requested_at = now` (its runner stops and finishes it); a final job is left as is.
 * Errors: NotFoundError (`NOT_FOUND`) when the job does not exist.
 * @returns the job after the change
 */
export async function requestJobCancel(db: Db, jobId: string, now = new Date()): Promise<AnyJob> {
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
 * Effects (one transaction): final `state`, `finished_at = now`, `error`, `result` (null when not given), `progress`
 * when given.
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
    progress?: AnyJob['progress'];
    result?: unknown;
  },
  now = new Date(),
): Promise<AnyJob | null> {
  return transition(db, jobId, ['running'], {
    state: end.state,
    finished_at: now.toISOString(),
    error: end.error ?? null,
    result: end.result === undefined ? null : JSON.stringify(end.result),
    ...(end.progress ? { progress: JSON.stringify(end.progress) } : {}),
  });
}

/**
 * Ends a job whose runner is gone (its lock was taken over, it is cancelled or resumed while stalled, or a new
 * review job replaces a stalled one).
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
): Promise<AnyJob | null> {
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
 * Puts a running stage job back in the queue (graceful worker shutdown); the next runner resumes it.
 *
 * Preconditions: the job is a `running` stage job.
 * Effects (one transaction): state `queued`, `resume` set in its parameters, runner, child and heartbeat cleared.
 * Errors: none.
 * @returns the queued job, or null when it was no longer running
 */
export async function requeueJob(db: Db, jobId: string): Promise<Job | null> {
  return transact(db, async (tx) => {
    const job = await getJob(tx, jobId);
    if (job?.state !== 'running') {
      return null;
    }
    const params: StageJobParams = {
      profile: job.profile,
      device: job.device,
      allow_cpu_fallback: job.allow_cpu_fallback,
      resume: true,
      resumed_from: job.resumed_from,
    };
    const row = await transition(tx, jobId, ['running'], {
      state: 'queued',
      params: JSON.stringify(params),
      heartbeat_at: null,
      stalled_at: null,
      host: null,
      runner_pid: null,
      child_pid: null,
    });
    return jobOfKind('stage', row);
  });
}

/**
 * Reads a job by id.
 * @param db - open database or transaction
 * @param jobId - job id
 * @returns the stage job, or null when there is no stage job with this id
 */
export async function getJob(db: Db, jobId: string): Promise<Job | null>;
/** Reads a job of kind `kind` by id (null when there is none of that kind). */
export async function getJob<K extends JobKind>(
  db: Db,
  jobId: string,
  kind: K,
): Promise<JobsByKind[K] | null>;
/** Reads a job of any kind by id (null when there is none). */
export async function getJob(db: Db, jobId: string, kind: 'any'): Promise<AnyJob | null>;
export async function getJob(
  db: Db,
  jobId: string,
  kind: JobKind | 'any' = 'stage',
): Promise<AnyJob | null> {
  let query = db.q.selectFrom('jobs').selectAll().where('job_id', '=', jobId);
  if (kind !== 'any') {
    query = query.where('kind', '=', kind);
  }
  return fromRow(await query.executeTakeFirst());
}

async function requireJob(db: Db, jobId: string): Promise<AnyJob> {
  const job = await getJob(db, jobId, 'any');
  if (!job) {
    throw new NotFoundError(
      `Job ${jobId} does not exist: list running jobs with GET /episodes/{ep_id}/jobs/running`,
    );
  }
  return job;
}

/**
 * Reads the active job of a stage.
 * @param db - open database or transaction
 * @param epId - episode id
 * @param stage - the stage
 * @returns the queued or running job of (episode, stage), or null
 */
export async function findActiveJob(db: Db, epId: EpisodeId, stage: Stage): Promise<Job | null>;
/** Reads the queued or running job of (episode, kind, name): `name` is the stage or the review operation. */
export async function findActiveJob<K extends JobKind>(
  db: Db,
  epId: EpisodeId,
  name: string,
  kind: K,
): Promise<JobsByKind[K] | null>;
export async function findActiveJob(
  db: Db,
  epId: EpisodeId,
  name: string,
  kind: JobKind = 'stage',
): Promise<AnyJob | null> {
  return fromRow(
    await db.q
      .selectFrom('jobs')
      .selectAll()
      .where('ep_id', '=', epId)
      .where('kind', '=', kind)
      .where('name', '=', name)
      .where('state', 'in', ACTIVE)
      .executeTakeFirst(),
  );
}

/**
 * @param db - open database or transaction
 * @param epId - episode id; omitted: every episode
 * @returns the queued and running stage jobs of the episode (or of all), in order of creation
 */
export async function listActiveJobs(db: Db, epId?: EpisodeId): Promise<Job[]> {
  let query = db.q
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', 'stage')
    .where('state', 'in', ACTIVE);
  if (epId !== undefined) {
    query = query.where('ep_id', '=', epId);
  }
  const rows = await query.orderBy('seq').execute();
  return rows.map((r) => jobOfKind('stage', fromRow(r))!);
}

/**
 * @param db - open database or transaction
 * @param epId - episode id
 * @param stage - the stage
 * @param limit - most rows returned
 * @returns the jobs of (episode, stage), newest first (by `seq`, the creation order)
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
    .where('kind', '=', 'stage')
    .where('name', '=', stage)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => jobOfKind('stage', fromRow(r))!);
}
