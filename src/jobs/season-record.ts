/**
 * @module The record of a season's latest run, `seasons/{show_id}-s{SS}/season-run.json` in the data directory:
 * which run of which episode it started, in which mode. Written (atomically) before any job of it starts, so that
 * any API process can report the run's progress from the job rows, and knows that an episode between two stages
 * of its chain is waiting, not finished.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonArtifact, splitEpisodeId, writeJsonArtifact } from '../store/index.ts';
import { STAGES, type Stage } from '../types.ts';

/** zod schema of `season-run.json`. */
export const seasonRunRecordSchema = z.object({
  schema_version: z.literal(1),
  /** Id of the season run, `season-` + UUID. */
  season_job_id: z.string(),
  /** Show id. */
  show_id: z.string(),
  /** Season number. */
  season: z.number().int(),
  /** Execution mode of every job of the run. */
  execution_mode: z.enum(['local', 'redis']),
  /** Requested profile (null: `config.profile`). */
  profile: z.string().nullable(),
  /** When the run started, ISO 8601 UTC. */
  created_at: z.string(),
  /** The episodes it runs, each in a new run. */
  episodes: z.array(z.object({ ep_id: z.string(), run_id: z.string() })),
  /** Local mode: when the request ended (episodes it did not reach are then not waiting); redis mode: null. */
  ended_at: z.string().nullable(),
});

/** Contents of `season-run.json`. */
export type SeasonRunRecord = z.infer<typeof seasonRunRecordSchema>;

/**
 * @param dataDir - data directory
 * @param showId - show id (a slug)
 * @param season - season number, 0..99
 * @returns the path of the season's `season-run.json`
 */
export function seasonRunPath(dataDir: string, showId: string, season: number): string {
  return join(
    dataDir,
    'seasons',
    `${showId}-s${String(season).padStart(2, '0')}`,
    'season-run.json',
  );
}

/**
 * @returns the record of the season's latest run, or null when it never ran as a season
 * @throws AppError (`INTERNAL`) when the file is damaged
 */
export function readSeasonRun(
  dataDir: string,
  showId: string,
  season: number,
): SeasonRunRecord | null {
  return readJsonArtifact(seasonRunPath(dataDir, showId, season), seasonRunRecordSchema);
}

/**
 * Replaces the season's record (temporary file, then rename).
 * @param dataDir - data directory
 * @param record - the new record
 */
export function writeSeasonRun(dataDir: string, record: SeasonRunRecord): void {
  writeJsonArtifact(
    seasonRunPath(dataDir, record.show_id, record.season),
    seasonRunRecordSchema,
    record,
  );
}

/**
 * The stages a resumed job must chain to: when `(epId, runId)` is an episode run of its season's latest `redis`
 * season run, the stages after `stage` (so that a stalled stage, once resumed, carries the episode to the end as
 * the original chain would have); else none.
 * @param dataDir - data directory
 * @param epId - episode id (`{show}-s{SS}e{EE}`)
 * @param runId - the run of the resumed job
 * @param stage - the resumed stage
 * @returns the stages to chain after it, in order (empty: no chain)
 * @throws AppError (`INTERNAL`) when the season's record is damaged
 */
export function seasonChainAfter(
  dataDir: string,
  epId: string,
  runId: string,
  stage: Stage,
): Stage[] {
  const { show, season } = splitEpisodeId(epId);
  const record = readSeasonRun(dataDir, show, season);
  const member = record?.episodes.some((e) => e.ep_id === epId && e.run_id === runId);
  return record?.execution_mode === 'redis' && member
    ? STAGES.slice(STAGES.indexOf(stage) + 1)
    : [];
}
