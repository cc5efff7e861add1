/**
 * @module Long review operations (refresh similarity, auto-group, batch assign) in the database, one row per
 * operation in either execution mode. Every state change is one async function running one serialised transaction
 * ({@link transact}); a change that finds the job in another state returns null (another process got there first).
 */
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../errors.ts';
import type { ExecutionMode } from '../artifacts/runtime.ts';
import type { EpisodeId, RunId } from '../../types.ts';
import type { Selectable, Updateable } from 'kysely';
import { isUniqueViolation, type JobState } from './jobs.repo.ts';
import { transact, type Db } from './open.ts';
import type { ReviewJobsTable } from './schema.ts';

/** Progress of a review job: units (identities) done out of a total. */
export interface ReviewJobProgress {
  /** Units done. */
  done: number;
  /** Units in all. */
  total: number;
}

/** A `review_jobs` row. Times are ISO 8601 UTC. */
export interface ReviewJob {
  /** Job id (`rjob-` + UUID); also the BullMQ job id in `redis` mode. */
  job_id: string;
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run whose review it works on. */
  run_id: RunId;
  /** Operation name (`refresh_similarity`, `group`, `batch_assign`). */
  operation: string;
  /** Execution mode. */
  mode: ExecutionMode;
  /** State. */
  state: JobState;
  /** Operation parameters. */
  params: unknown;
  /** Who asked for it. */
  reviewer: string;
  /** Creation time. */
  created_at: string;
  /** When a runner took it. */
  started_at: string | null;
  /** When it ended. */
  finished_at: string | null;
  /** Last sign of life of its runner. */
  heartbeat_at: string | null;
  /** When a cancel was asked for. */
  cancel_requested_at: string | null;
  /** Host of the runner. */
  host: string | null;
  /** Process id of the runner. */
  runner_pid: number | null;
  /** Last progress. */
  progress: ReviewJobProgress | null;
  /** Result of a successful job (shape per operation). */
  result: unknown;
  /** One-line error of a failed job. */
  error: string | null;
}

/** What a caller gives to create a review job. */
export interface NewReviewJob {
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run id. */
  run_id: RunId;
  /** Operation. */
  operation: string;
  /** Mode. */
  mode: ExecutionMode;
  /** Parameters. */
  params: unknown;
  /** Reviewer. */
  reviewer: string;
  /** Runner that runs it now (local mode: created `running`); absent: created `queued`. */
  runner?: { host: string; pid: number };
}

function fromRow(row: Selectable<ReviewJobsTable> | undefined): ReviewJob | null {
  if (!row) {
    return null;
  }
  return {
    ...(row as Omit<ReviewJob, 'params' | 'progress' | 'result'>),
    params: JSON.parse(row.params) as unknown,
    progress: row.progress === null ? null : (JSON.parse(row.progress) as ReviewJobProgress),
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
  };
}

/**
 * Runs one UPDATE of the job, when it is in `state`, as its own transaction (or in the caller's).
 * @returns the updated job, or null when it was in another state (or does not exist)
 */
async function update(
  db: Db,
  jobId: string,
  state: 'queued' | 'running',
  set: Omit<Updateable<ReviewJobsTable>, 'job_id'>,
): Promise<ReviewJob | null> {
  return transact(db, async (tx) =>
    fromRow(
      await tx.q
        .updateTable('review_jobs')
        .set(set)
        .where('job_id', '=', jobId)
        .where('state', '=', state)
        .returningAll()
        .executeTakeFirst(),
    ),
  );
}

/**
 * @param db - open database or transaction
 * @param epId - episode id
 * @param operation - operation name
 * @returns the queued or running job of (episode, operation), or null
 */
export async function findActiveReviewJob(
  db: Db,
  epId: EpisodeId,
  operation: string,
): Promise<ReviewJob | null> {
  return fromRow(
    await db.q
      .selectFrom('review_jobs')
      .selectAll()
      .where('ep_id', '=', epId)
      .where('operation', '=', operation)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst(),
  );
}

/**
 * Creates a review job.
 *
 * Preconditions: no queued or running job of (episode, operation).
 * Effects (one transaction): inserts the row, `running` with its runner and heartbeat when `runner` is given, else
 * `queued`.
 * Errors: ConflictError (`CONFLICT`) naming the active job of (episode, operation) (checked first; the unique index
 * `review_jobs_one_active` is the backstop).
 * @returns the stored job
 */
export async function insertReviewJob(
  db: Db,
  input: NewReviewJob,
  now: Date = new Date(),
): Promise<ReviewJob> {
  const ts = now.toISOString();
  const running = input.runner !== undefined;
  return transact(db, async (tx) => {
    const active = await findActiveReviewJob(tx, input.ep_id, input.operation);
    if (active) {
      throw new ConflictError(
        `${input.operation} of ${input.ep_id} is already ${active.state} as job ${active.job_id}: wait for it (GET /review_jobs/${active.job_id})`,
      );
    }
    try {
      const row = await tx.q
        .insertInto('review_jobs')
        .values({
          job_id: `rjob-${randomUUID()}`,
          ep_id: input.ep_id,
          run_id: input.run_id,
          operation: input.operation,
          mode: input.mode,
          state: running ? 'running' : 'queued',
          params: JSON.stringify(input.params),
          reviewer: input.reviewer,
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
        throw new ConflictError(
          `${input.operation} of ${input.ep_id} is already active: wait for it, then retry`,
          { cause: err },
        );
      }
      throw err;
    }
  });
}

/**
 * A runner takes a queued job.
 *
 * Preconditions: the job is `queued`.
 * Effects (one transaction): state `running`, `started_at = heartbeat_at = now`, runner set.
 * Errors: none.
 * @returns the running job, or null when it is no longer queued (cancelled first)
 */
export async function claimReviewJob(
  db: Db,
  jobId: string,
  runner: { host: string; pid: number },
  now: Date = new Date(),
): Promise<ReviewJob | null> {
  const ts = now.toISOString();
  return update(db, jobId, 'queued', {
    state: 'running',
    started_at: ts,
    heartbeat_at: ts,
    host: runner.host,
    runner_pid: runner.pid,
  });
}

/**
 * A runner reports progress (and so that it is alive).
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `progress`, `heartbeat_at = now`.
 * Errors: none.
 * @returns the job (its `cancel_requested_at` tells the runner to stop), or null when it is no longer running
 */
export async function reportReviewJob(
  db: Db,
  jobId: string,
  progress: ReviewJobProgress,
  now: Date = new Date(),
): Promise<ReviewJob | null> {
  return update(db, jobId, 'running', {
    progress: JSON.stringify(progress),
    heartbeat_at: now.toISOString(),
  });
}

/**
 * A runner records how its job ended.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): final state, `finished_at = now`, result or error.
 * Errors: none.
 * @returns the finished job, or null when it was no longer running
 */
export async function finishReviewJob(
  db: Db,
  jobId: string,
  end: { state: 'success' | 'error' | 'cancelled'; result?: unknown; error?: string | null },
  now: Date = new Date(),
): Promise<ReviewJob | null> {
  return update(db, jobId, 'running', {
    state: end.state,
    finished_at: now.toISOString(),
    result: end.result === undefined ? null : JSON.stringify(end.result),
    error: end.error ?? null,
  });
}

/**
 * Asks for a job to be cancelled.
 *
 * Preconditions: none.
 * Effects (one transaction): a `queued` job becomes `cancelled`; a `running` one gets `cancel_requested_at = now`
 * (its runner stops at its next progress report); a final one is left as is.
 * Errors: none.
 * @returns the job after the change, or null when there is no such job
 */
export async function cancelReviewJob(
  db: Db,
  jobId: string,
  now: Date = new Date(),
): Promise<ReviewJob | null> {
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    const cancelled = await update(tx, jobId, 'queued', { state: 'cancelled', finished_at: ts });
    if (cancelled) {
      return cancelled;
    }
    const job = await getReviewJob(tx, jobId);
    if (job?.state === 'running' && job.cancel_requested_at === null) {
      return update(tx, jobId, 'running', { cancel_requested_at: ts });
    }
    return job;
  });
}

/**
 * @param db - open database or transaction
 * @param jobId - job id
 * @returns the job, or null
 */
export async function getReviewJob(db: Db, jobId: string): Promise<ReviewJob | null> {
  return fromRow(
    await db.q.selectFrom('review_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst(),
  );
}
