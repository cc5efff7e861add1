/**
 * @module `screenalytics run DIR|VIDEO... --show S --season N [--queue]`: a season in one go. Every file is probed
 * and numbered before anything is registered (an unreadable file is reported and skipped; two files with one
 * episode number, an empty folder or a missing show stop it with one line and nothing written). Then each episode
 * runs every stage, here one after another (`--queue`: through the workers, followed until all end), with one
 * progress line or bar per episode, and the season table is printed.
 */
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/index.ts';
import { InputError } from '../../errors.ts';
import {
  createJobsContext,
  JobsService,
  seasonRunStatus,
  startSeasonRun,
  type JobsContext,
} from '../../jobs/index.ts';
import {
  listSeasonFolder,
  registerEpisode,
  runStage,
  sortSeasonFiles,
  type SeasonFile,
} from '../../pipeline/index.ts';
import { seasonScreentime } from '../../report/index.ts';
import { createRun, openDatabase, setRunStatus, slugify, type Db } from '../../store/index.ts';
import { STAGES } from '../../types.ts';
import { preflight } from '../preflight.ts';
import { createSeasonDisplay, type SeasonProgressDisplay } from '../season-progress.ts';
import { buildStageInput } from '../stage-input.ts';
import { formatSeasonTable } from '../season-table.ts';

/** Options of a season run. */
export interface SeasonRunOptions {
  /** Show name (required). */
  show?: string;
  /** Season number (required). */
  season?: number;
  /** Send every episode to the workers and follow them. */
  queue?: boolean;
  /** Print the season report as JSON instead of the table. */
  json?: boolean;
}

/** How often `--queue` reads the job rows, milliseconds. */
const FOLLOW_INTERVAL_MS = 500;
const EXIT_BAD_INPUT = 2;
const EXIT_FAILURE = 1;

/** A registered episode of this run, and how it ended. */
interface RunEpisode {
  epId: string;
  file: SeasonFile;
  failed: string | null;
}

/**
 * Checks the options and the files, writing nothing.
 * @throws InputError (`INPUT_INVALID`) for a missing show or season, an empty folder, no readable video, two files
 *   with one episode number
 */
async function checkInput(
  inputs: readonly string[],
  opts: SeasonRunOptions,
): Promise<{ show: string; season: number; files: SeasonFile[] }> {
  if (opts.show === undefined || slugify(opts.show) === '') {
    throw new InputError(
      'A season run needs the show: add --show NAME (and --season N), e.g. --show fotb --season 1',
    );
  }
  if (opts.season === undefined || !Number.isInteger(opts.season)) {
    throw new InputError(`A season run needs the season number: add --season N, e.g. --season 1`);
  }
  const paths = inputs.flatMap((p) =>
    statSync(p, { throwIfNoEntry: false })?.isDirectory() ? listSeasonFolder(p) : [p],
  );
  const { episodes, skipped } = await sortSeasonFiles(paths.map((path) => ({ path })));
  for (const s of skipped) {
    process.stderr.write(`skipped: ${s.reason}\n`);
  }
  if (skipped.length > 0) {
    process.exitCode = EXIT_BAD_INPUT;
  }
  return { show: opts.show, season: opts.season, files: episodes };
}

/**
 * Runs a season.
 * @param inputs - folders and video files
 * @param config - loaded config (flags merged)
 * @param opts - show, season, queue, json
 * @param signal - Ctrl-C: local mode stops the running stage; `--queue` stops following (the workers go on)
 * @throws InputError before anything is written for bad input (see the module comment); AppError
 *   (`DEVICE_UNAVAILABLE`) or ModelError for an unusable device or model; QueueUnavailableError (`--queue`, Redis
 *   down). Sets `process.exitCode` to 2 when a file was skipped, 1 when an episode failed.
 */
export async function runSeasonCommand(
  inputs: readonly string[],
  config: Config,
  opts: SeasonRunOptions,
  signal: AbortSignal,
): Promise<void> {
  const { show, season, files } = await checkInput(inputs, opts);
  preflight(config, STAGES);
  const db = await openDatabase(config.data_dir, config.database);
  const ctx = createJobsContext(config, db);
  const jobs = new JobsService(ctx);
  try {
    if (opts.queue) {
      // Fails (503, Redis down) before any episode is registered.
      await jobs.chooseMode('redis');
    }
    const episodes: RunEpisode[] = [];
    for (const file of files) {
      const naming = { show, season, episode: file.episode };
      const { epId } = await registerEpisode(config.data_dir, db, file.path, naming);
      episodes.push({ epId, file, failed: null });
    }
    process.stderr.write(
      `${slugify(show)} season ${season}: ${episodes.length} episodes (${episodes.map((e) => `${e.epId} ${e.file.name}`).join(', ')}), profile ${config.profile}${opts.queue ? ', queued' : ''}\n`,
    );
    const display = createSeasonDisplay(episodes.map((e) => e.epId));
    try {
      if (opts.queue) {
        await followQueued(ctx, jobs, slugify(show), season, episodes, display, signal);
      } else {
        await runLocally(config, db, episodes, display, signal);
      }
    } finally {
      display.stop();
    }
    for (const e of episodes.filter((x) => x.failed !== null)) {
      process.stderr.write(`error: ${e.epId} (${e.file.name}): ${e.failed}\n`);
      process.exitCode = EXIT_FAILURE;
    }
    const report = await seasonScreentime(ctx, slugify(show), season);
    process.stdout.write(
      opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSeasonTable(report)}\n`,
    );
  } finally {
    await jobs.close();
    await db.close();
  }
}

async function runLocally(
  config: Config,
  db: Db,
  episodes: RunEpisode[],
  display: SeasonProgressDisplay,
  signal: AbortSignal,
): Promise<void> {
  for (const episode of episodes) {
    if (signal.aborted) {
      episode.failed = 'interrupted before it started';
      continue;
    }
    const run = await createRun(db, { ep_id: episode.epId, profile: config.profile });
    const input = buildStageInput(config, episode.epId, run.run_id, signal);
    const startedMs = Date.now();
    try {
      for (const [i, stage] of STAGES.entries()) {
        display.update(episode.epId, stage, (100 * i) / STAGES.length);
        await runStage(stage, {
          ...input,
          onProgress: (p) => {
            const stagePct = p.framesTotal > 0 ? Math.min(1, p.framesDone / p.framesTotal) : 0;
            display.update(episode.epId, stage, (100 * (i + stagePct)) / STAGES.length);
          },
          onLogLine: (line) => {
            if (line.level === 'warn' || line.level === 'error') {
              display.log(`${episode.epId}: ${stage}: ${line.level}: ${line.msg}`);
            }
          },
        });
      }
      await setRunStatus(db, run.run_id, 'success');
      display.finish(episode.epId, `done in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
    } catch (err) {
      await setRunStatus(db, run.run_id, signal.aborted ? 'cancelled' : 'error');
      episode.failed = err instanceof Error ? err.message : String(err);
      display.finish(episode.epId, signal.aborted ? 'interrupted' : 'failed');
    }
  }
}

async function followQueued(
  ctx: JobsContext,
  jobs: JobsService,
  showId: string,
  season: number,
  episodes: RunEpisode[],
  display: SeasonProgressDisplay,
  signal: AbortSignal,
): Promise<void> {
  const epIds = episodes.map((e) => e.epId);
  const started = await startSeasonRun(ctx, jobs, showId, season, {
    executionMode: 'redis',
    epIds,
  });
  if (started.warning) {
    display.log(`warning: ${started.warning}`);
  }
  const ended = new Set<string>();
  while (ended.size < episodes.length) {
    if (signal.aborted) {
      display.log(
        `stopped following: the workers go on; read the progress with GET /shows/${showId}/seasons/${season}/run`,
      );
      for (const e of episodes.filter((x) => !ended.has(x.epId))) {
        e.failed = 'still running in the workers (not followed to the end)';
      }
      return;
    }
    const status = await seasonRunStatus(ctx, showId, season);
    for (const item of status.episodes) {
      const episode = episodes.find((e) => e.epId === item.ep_id);
      if (!episode || ended.has(item.ep_id)) {
        continue;
      }
      if (item.state === 'success') {
        ended.add(item.ep_id);
        display.finish(item.ep_id, 'done');
      } else if (item.state === 'error' || item.state === 'cancelled') {
        ended.add(item.ep_id);
        episode.failed = `${item.stage ?? 'a stage'} ${item.state}${item.error ? `: ${item.error}` : ''}`;
        display.finish(item.ep_id, item.state);
      } else {
        const label =
          item.state === 'running'
            ? (item.stage ?? 'running')
            : `${item.stage ?? ''} ${item.state}`.trim();
        display.update(item.ep_id, label, item.pct);
      }
    }
    if (ended.size < episodes.length) {
      await sleep(FOLLOW_INTERVAL_MS);
    }
  }
}
