/**
 * @module `screenalytics run VIDEO`: register the episode, run every stage in this process, print the table.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../config/index.ts';
import { registerEpisode } from '../../pipeline/index.ts';
import { createRun, openDatabase, setRunStatus } from '../../store/index.ts';
import { STAGES } from '../../types.ts';
import type { ScreentimeFile } from '../../pipeline/index.ts';
import { preflight } from '../preflight.ts';
import { buildStageInput, runStagesWithDisplay } from '../stage-input.ts';
import { formatScreentimeTable } from '../table.ts';

/** Options of `run`. */
export interface RunOptions {
  /** Explicit episode id. */
  epId?: string;
  /** Show name (with season and episode). */
  show?: string;
  /** Season number. */
  season?: number;
  /** Episode number. */
  episode?: number;
  /** Copy `screentime.json` to this path too. */
  out?: string;
  /** Print `screentime.json` instead of the table. */
  json?: boolean;
}

/**
 * Runs the whole pipeline on a video.
 * @param videoPath - the episode's video
 * @param config - loaded config (flags merged)
 * @param opts - naming and output options
 * @param signal - Ctrl-C
 * @throws InputError for a bad video or id, AppError (`DEVICE_UNAVAILABLE`) or ModelError for an unusable device or
 *   model (nothing is written); whatever a stage throws
 */
export async function runCommand(
  videoPath: string,
  config: Config,
  opts: RunOptions,
  signal: AbortSignal,
): Promise<void> {
  preflight(config, STAGES);
  const db = openDatabase(config.data_dir);
  try {
    const { epId } = await registerEpisode(config.data_dir, db, videoPath, opts);
    const run = createRun(db, { ep_id: epId, profile: config.profile });
    process.stderr.write(`episode ${epId}, run ${run.run_id}, profile ${config.profile}\n`);
    const input = buildStageInput(config, epId, run.run_id, signal);
    try {
      await runStagesWithDisplay([...STAGES], input);
      setRunStatus(db, run.run_id, 'success');
    } catch (err) {
      setRunStatus(db, run.run_id, signal.aborted ? 'cancelled' : 'error');
      throw err;
    }
    const screentime = JSON.parse(readFileSync(input.paths.screentime, 'utf8')) as ScreentimeFile;
    if (opts.out) {
      copyFileSync(input.paths.screentime, resolve(opts.out));
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(screentime, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatScreentimeTable(screentime)}\n${input.paths.screentime}\n`);
    }
  } finally {
    db.close();
  }
}
