/**
 * @module Runs in the database: one attempt at the pipeline for an episode. One transaction per state change
 * (async, {@link transact}).
 */
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { EpisodeId, ProfileName, RunId } from '../../types.ts';
import { newRunId, parseEpisodeId, parseRunId } from '../ids.ts';
import { transact, type Db } from './open.ts';

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
export async function createRun(db: Db, input: RunInput, now: Date = new Date()): Promise<Run> {
  const run: Run = {
    run_id: parseRunId(input.run_id ?? newRunId(now)),
    ep_id: parseEpisodeId(input.ep_id),
    created_at: now.toISOString(),
    profile: input.profile,
    status: 'created',
  };
  await transact(db, async (tx) => {
    const episode = await tx.q
      .selectFrom('episodes')
      .select('ep_id')
      .where('ep_id', '=', run.ep_id)
      .executeTakeFirst();
    if (!episode) {
      throw new NotFoundError(`Episode ${run.ep_id} is not registered: register its video first`);
    }
    const taken = await tx.q
      .selectFrom('runs')
      .select('run_id')
      .where('run_id', '=', run.run_id)
      .executeTakeFirst();
    if (taken) {
      throw new ConflictError(
        `Run ${run.run_id} already exists: leave run_id out to get a new one`,
      );
    }
    await tx.q.insertInto('runs').values(run).execute();
  });
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
export async function setRunStatus(db: Db, runId: string, status: RunStatus): Promise<Run> {
  parseRunId(runId);
  const row = await transact(db, (tx) =>
    tx.q
      .updateTable('runs')
      .set({ status })
      .where('run_id', '=', runId)
      .returningAll()
      .executeTakeFirst(),
  );
  if (!row) {
    throw new NotFoundError(`Run ${runId} does not exist: list the episode's runs to see the ids`);
  }
  return row as Run;
}

/**
 * @param db - open database
 * @param epId - episode id
 * @returns the episode's runs, newest first (by `created_at`, then `run_id`)
 * @throws InputError (`INPUT_INVALID`) on a bad `epId`
 */
export async function listRuns(db: Db, epId: string): Promise<Run[]> {
  return (await runsNewestFirst(db, epId).execute()) as Run[];
}

/**
 * @param db - open database
 * @param epId - episode id
 * @returns the newest run of the episode, or null when it has none
 * @throws InputError (`INPUT_INVALID`) on a bad `epId`
 */
export async function latestRun(db: Db, epId: string): Promise<Run | null> {
  const newest = await runsNewestFirst(db, epId).limit(1).executeTakeFirst();
  return (newest as Run | undefined) ?? null;
}

/** The episode's runs, newest first (by `created_at`, then `run_id`), as a query to run. */
function runsNewestFirst(db: Db, epId: string) {
  return db.q
    .selectFrom('runs')
    .selectAll()
    .where('ep_id', '=', parseEpisodeId(epId))
    .orderBy('created_at', 'desc')
    .orderBy('run_id', 'desc');
}
