/**
 * @module Long review operations (refresh similarity, auto-group, batch assign) in the database, one row per
 * operation in either execution mode. Every state change is one function running one IMMEDIATE transaction; a
 * change that finds the job in another state returns null (another process got there first).
 */
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../errors.ts';
import type { ExecutionMode } from '../artifacts/runtime.ts';
import type { EpisodeId, RunId } from '../../types.ts';
import type { JobState } from './jobs.repo.ts';
import type { Db } from './open.ts';

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

type Row = Omit<ReviewJob, 'params' | 'progress' | 'result'> & {
  params: string;
  progress: string | null;
  result: string | null;
};

function fromRow(row: unknown): ReviewJob | null {
  if (!row) {
    return null;
  }
  const r = row as Row;
  return {
    ...r,
    params: JSON.parse(r.params) as unknown,
    progress: r.progress === null ? null : (JSON.parse(r.progress) as ReviewJobProgress),
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
  };
}

function update(db: Db, sql: string, params: Record<string, unknown>): ReviewJob | null {
  return db
    .transaction(() => fromRow(db.prepare(`UPDATE review_jobs SET ${sql} RETURNING *`).get(params)))
    .immediate();
}

/**
 * @returns the queued or running job of (episode, operation), or null
 */
export function findActiveReviewJob(db: Db, epId: EpisodeId, operation: string): ReviewJob | null {
  return fromRow(
    db
      .prepare(
        `SELECT * FROM review_jobs WHERE ep_id = ? AND operation = ? AND state IN ('queued', 'running')`,
      )
      .get(epId, operation),
  );
}

/**
 * Creates a review job.
 *
 * Preconditions: no queued or running job of (episode, operation).
 * Effects (one transaction): inserts the row, `running` with its runner and heartbeat when `runner` is given, else
 * `queued`.
 * Errors: ConflictError (`CONFLICT`) naming the active job of (episode, operation).
 * @returns the stored job
 */
export function insertReviewJob(db: Db, input: NewReviewJob, now: Date = new Date()): ReviewJob {
  const ts = now.toISOString();
  const running = input.runner !== undefined;
  return db
    .transaction(() => {
      const active = findActiveReviewJob(db, input.ep_id, input.operation);
      if (active) {
        throw new ConflictError(
          `${input.operation} of ${input.ep_id} is already ${active.state} as job ${active.job_id}: wait for it (GET /review_jobs/${active.job_id})`,
        );
      }
      return fromRow(
        db
          .prepare(
            `INSERT INTO review_jobs (job_id, ep_id, run_id, operation, mode, state, params, reviewer, created_at,
               started_at, heartbeat_at, host, runner_pid)
             VALUES (@job_id, @ep_id, @run_id, @operation, @mode, @state, @params, @reviewer, @ts, @started,
               @started, @host, @pid) RETURNING *`,
          )
          .get({
            job_id: `rjob-${randomUUID()}`,
            ep_id: input.ep_id,
            run_id: input.run_id,
            operation: input.operation,
            mode: input.mode,
            state: running ? 'running' : 'queued',
            params: JSON.stringify(input.params),
            reviewer: input.reviewer,
            ts,
            started: running ? ts : null,
            host: input.runner?.host ?? null,
            pid: input.runner?.pid ?? null,
          }),
      )!;
    })
    .immediate();
}

/**
 * A runner takes a queued job.
 *
 * Preconditions: the job is `queued`.
 * Effects (one transaction): state `running`, `started_at = heartbeat_at = now`, runner set.
 * Errors: none.
 * @returns the running job, or null when it is no longer queued (cancelled first)
 */
export function claimReviewJob(
  db: Db,
  jobId: string,
  runner: { host: string; pid: number },
  now: Date = new Date(),
): ReviewJob | null {
  return update(
    db,
    `state = 'running', started_at = @ts, heartbeat_at = @ts, host = @host, runner_pid = @pid
     WHERE job_id = @jobId AND state = 'queued'`,
    { jobId, ts: now.toISOString(), ...runner },
  );
}

/**
 * A runner reports progress (and so that it is alive).
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): `progress`, `heartbeat_at = now`.
 * Errors: none.
 * @returns the job (its `cancel_requested_at` tells the runner to stop), or null when it is no longer running
 */
export function reportReviewJob(
  db: Db,
  jobId: string,
  progress: ReviewJobProgress,
  now: Date = new Date(),
): ReviewJob | null {
  return update(
    db,
    `progress = @progress, heartbeat_at = @ts WHERE job_id = @jobId AND state = 'running'`,
    { jobId, progress: JSON.stringify(progress), ts: now.toISOString() },
  );
}

/**
 * A runner records how its job ended.
 *
 * Preconditions: the job is `running`.
 * Effects (one transaction): final state, `finished_at = now`, result or error.
 * Errors: none.
 * @returns the finished job, or null when it was no longer running
 */
export function finishReviewJob(
  db: Db,
  jobId: string,
  end: { state: 'success' | 'error' | 'cancelled'; result?: unknown; error?: string | null },
  now: Date = new Date(),
): ReviewJob | null {
  return update(
    db,
    `state = @state, finished_at = @ts, result = @result, error = @error
     WHERE job_id = @jobId AND state = 'running'`,
    {
      jobId,
      state: end.state,
      ts: now.toISOString(),
      result: end.result === undefined ? null : JSON.stringify(end.result),
      error: end.error ?? null,
    },
  );
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
export function cancelReviewJob(db: Db, jobId: string, now: Date = new Date()): ReviewJob | null {
  const ts = now.toISOString();
  return db
    .transaction(
      () =>
        update(
          db,
          `state = 'cancelled', finished_at = @ts WHERE job_id = @jobId AND state = 'queued'`,
          {
            jobId,
            ts,
          },
        ) ??
        update(
          db,
          `cancel_requested_at = COALESCE(cancel_requested_at, @ts) WHERE job_id = @jobId AND state = 'running'`,
          { jobId, ts },
        ) ??
        getReviewJob(db, jobId),
    )
    .immediate();
}

/**
 * @returns the job, or null
 */
export function getReviewJob(db: Db, jobId: string): ReviewJob | null {
  return fromRow(db.prepare('SELECT * FROM review_jobs WHERE job_id = ?').get(jobId));
}
