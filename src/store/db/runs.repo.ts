/**
 * @module Runs in the database: one attempt at the pipeline for an episode. One transaction per state change.
 */
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { EpisodeId, ProfileName, RunId } from '../../types.ts';
import { newRunId, parseEpisodeId, parseRunId } from '../ids.ts';
import type { Db } from './open.ts';

/** Run statuses. A new run is `created`; the jobs layer moves it on. */
export const RUN_STATUSES = ['created', 'running', 'success', 'error', 'cancelled'] as const;

/** A run status. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A `runs` row. */
export interface Run {
  /** Run id. */
  run_id: RunId;
  /** Episode id. */
  ep_id: EpisodeId;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Profile the run was started with. */
  profile: ProfileName;
  /** Status. */
  status: RunStatus;
}

/** What a caller gives to create a run. */
export interface RunInput {
  /** Episode id. */
  ep_id: string;
  /** Profile of the run. */
  profile: ProfileName;
  /** Run id (default: `newRunId(now)`). */
  run_id?: string;
}

/**
 * Creates a run of an episode with status `created`.
 *
 * Preconditions: the episode is registered; `run_id` is not taken.
 * Effects (one transaction): inserts the `runs` row with `created_at = now`.
 * Errors: InputError (`INPUT_INVALID`) on a bad id; NotFoundError (`NOT_FOUND`) when the episode is not
 * registered; ConflictError (`CONFLICT`) when the run id exists.
 * @param db - open database
 * @param input - episode, profile, optional run id
 * @param now - creation time (default: the current time)
 * @returns the stored run
 */
export function createRun(db: Db, input: RunInput, now: Date = new Date()): Run {
  const run: Run = {
    run_id: parseRunId(input.run_id ?? newRunId(now)),
    ep_id: parseEpisodeId(input.ep_id),
    created_at: now.toISOString(),
    profile: input.profile,
    status: 'created',
  };
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM episodes WHERE ep_id = ?').get(run.ep_id)) {
      throw new NotFoundError(`Episode ${run.ep_id} is not registered: register its video first`);
    }
    if (db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(run.run_id)) {
      throw new ConflictError(
        `Run ${run.run_id} already exists: leave run_id out to get a new one`,
      );
    }
    db.prepare(
      'INSERT INTO runs (run_id, ep_id, created_at, profile, status) VALUES (@run_id, @ep_id, @created_at, @profile, @status)',
    ).run(run);
  }).immediate();
  return run;
}

/**
 * Sets the status of a run.
 *
 * Preconditions: the run exists.
 * Effects (one transaction): updates `runs.status`.
 * Errors: InputError (`INPUT_INVALID`) on a bad id; NotFoundError (`NOT_FOUND`) when the run does not exist.
 * @param db - open database
 * @param runId - run id
 * @param status - new status
 * @returns the updated run
 */
export function setRunStatus(db: Db, runId: string, status: RunStatus): Run {
  parseRunId(runId);
  return db
    .transaction(() => {
      const row = db
        .prepare('UPDATE runs SET status = ? WHERE run_id = ? RETURNING *')
        .get(status, runId);
      if (!row) {
        throw new NotFoundError(
          `Run ${runId} does not exist: list the episode's runs to see the ids`,
        );
      }
      return row as Run;
    })
    .immediate();
}

/**
 * @param db - open database
 * @param epId - episode id
 * @returns the episode's runs, newest first (by `created_at`, then `run_id`)
 * @throws InputError (`INPUT_INVALID`) on a bad `epId`
 */
export function listRuns(db: Db, epId: string): Run[] {
  const sql = 'SELECT * FROM runs WHERE ep_id = ? ORDER BY created_at DESC, run_id DESC';
  return db.prepare(sql).all(parseEpisodeId(epId)) as Run[];
}

/**
 * @param db - open database
 * @param epId - episode id
 * @returns the newest run of the episode, or null when it has none
 * @throws InputError (`INPUT_INVALID`) on a bad `epId`
 */
export function latestRun(db: Db, epId: string): Run | null {
  const sql = 'SELECT * FROM runs WHERE ep_id = ? ORDER BY created_at DESC, run_id DESC LIMIT 1';
  return (db.prepare(sql).get(parseEpisodeId(epId)) as Run | undefined) ?? null;
}
