/**
 * @module `screenalytics run VIDEO`: register the episode, run every stage in this process, print the table.
 * Several videos, a folder or `--queue` make it a season run (run-season.ts).
 */
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../config/index.ts';
import { InputError } from '../../errors.ts';
import { episodeNumberFromName, registerEpisode } from '../../pipeline/index.ts';
import { createRun, openDatabase, setRunStatus } from '../../store/index.ts';
import { STAGES } from '../../types.ts';
import type { ScreentimeFile } from '../../pipeline/index.ts';
import { preflight } from '../preflight.ts';
import { buildStageInput, runStagesWithDisplay } from '../stage-input.ts';
import { formatScreentimeTable } from '../table.ts';
import { runSeasonCommand } from './run-season.ts';

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
  /** Print `screentime.json` instead of the table (season: the season report). */
  json?: boolean;
  /** Season: send every episode to the workers and follow them. */
  queue?: boolean;
}

/**
 * Runs `run`: one video as one episode, or a season (several videos, a folder, or `--queue`).
 * @param inputs - video files and folders (at least one, as commander guarantees)
 * @param config - loaded config (flags merged)
 * @param opts - naming, output and queue options
 * @param signal - Ctrl-C
 * @throws InputError for bad input (nothing written), and what {@link runEpisodeCommand} or
 *   {@link runSeasonCommand} throw
 */
export async function runCommand(
  inputs: readonly string[],
  config: Config,
  opts: RunOptions,
  signal: AbortSignal,
): Promise<void> {
  const [first] = inputs;
  const isSeason =
    inputs.length > 1 ||
    opts.queue === true ||
    (first !== undefined && statSync(first, { throwIfNoEntry: false })?.isDirectory() === true);
  if (!isSeason && first !== undefined) {
    await runEpisodeCommand(first, config, opts, signal);
    return;
  }
  if (opts.epId !== undefined || opts.episode !== undefined || opts.out !== undefined) {
    throw new InputError(
      'A season run numbers its episodes itself and writes no single screentime.json: drop --ep-id, --episode and --out',
    );
  }
  await runSeasonCommand(inputs, config, opts, signal);
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
export async function runEpisodeCommand(
  videoPath: string,
  config: Config,
  opts: RunOptions,
  signal: AbortSignal,
): Promise<void> {
  preflight(config, STAGES);
  const db = await openDatabase(config.data_dir, config.database);
  try {
    const naming =
      opts.show !== undefined && opts.episode === undefined && opts.epId === undefined
        ? { ...opts, episode: episodeNumberFromName(videoPath) ?? 1 }
        : opts;
    const { epId } = await registerEpisode(config.data_dir, db, videoPath, naming);
    const run = await createRun(db, { ep_id: epId, profile: config.profile });
    process.stderr.write(`episode ${epId}, run ${run.run_id}, profile ${config.profile}\n`);
    const input = buildStageInput(config, epId, run.run_id, signal);
    try {
      await runStagesWithDisplay([...STAGES], input);
      await setRunStatus(db, run.run_id, 'success');
    } catch (err) {
      await setRunStatus(db, run.run_id, signal.aborted ? 'cancelled' : 'error');
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
    await db.close();
  }
}
