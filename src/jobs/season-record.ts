/**
 * @module The record of a season's latest run, `seasons/{show_id}-s{SS}/season-run.json` in the data directory:
 * which run of which episode it started, in which mode. Written (atomically) before any job of it starts, so that
 * any API process can report the run's progress from the job rows, and knows that an episode between two stages
 * of its chain is waiting, not finished.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonArtifact, writeJsonArtifact } from '../store/index.ts';

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
