/**
 * @module Running every stage of every episode of a season. `redis`: each episode gets a new run and its
 * detect_track is queued with the rest of the chain (season-chain.ts), so N workers take episodes concurrently
 * and the chain goes on server-side. `local`: the episodes run one after another in this process, each stage a
 * local job (as `POST /jobs/{stage}` runs it). The progress of either is read back from the job rows
 * (season-status.ts).
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.ts';
import {
  createRun,
  listActiveJobs,
  listEpisodes,
  readSource,
  slugify,
  sourceJson,
  type Episode,
  type ExecutionMode,
} from '../store/index.ts';
import { STAGES, type DeviceName, type ProfileName, type Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { writeSeasonRun, type SeasonRunRecord } from './season-record.ts';
import { planStage } from './plan.ts';
import type { JobsService, LocalResult, QueuedResult } from './service.ts';

/** A season run request. */
export interface SeasonRunRequest {
  /** Execution mode; default `redis` when Redis answers, else `local` with a warning. */
  executionMode?: ExecutionMode;
  /** Profile of every stage; default `config.profile`. */
  profile?: ProfileName;
  /** Device of every stage; default `config.device`. */
  device?: DeviceName;
  /** Local mode: aborting it (client disconnect, Ctrl-C) cancels the running stage and the rest. */
  signal?: AbortSignal;
  /** Only these episodes of the season (default: every episode with a video). */
  epIds?: readonly string[];
}

/** Answer of a season run in `redis` mode: every episode's chain is queued. */
export interface QueuedSeasonRun {
  /** Id of the season run. */
  season_job_id: string;
  /** Always `redis`. */
  execution_mode: 'redis';
  /** Per episode: its new run and the queued detect_track job. */
  episodes: { ep_id: string; run_id: string; job_id: string }[];
  /** Set when no worker is running, or when the mode was chosen because Redis answered. */
  warning: string | null;
}

/** One episode of a local season run. */
export interface LocalSeasonEpisode {
  /** Episode id. */
  ep_id: string;
  /** Its new run. */
  run_id: string;
  /** `completed` when every stage succeeded; `error` at the first stage that did not; `cancelled` when aborted. */
  status: 'completed' | 'error' | 'cancelled';
  /** The stages that ran, in order, with their state, wall seconds and error. */
  stages: {
    stage: Stage;
    status: LocalResult['status'];
    elapsed_seconds: number;
    error: string | null;
  }[];
}

/** Answer of a season run in `local` mode: every episode has ended. */
export interface LocalSeasonRun {
  /** Id of the season run. */
  season_job_id: string;
  /** Always `local`. */
  execution_mode: 'local';
  /** Per episode, in episode order. */
  episodes: LocalSeasonEpisode[];
  /** Why it ran locally although no mode was asked for (Redis down), or null. */
  warning: string | null;
}

const CHAIN_AFTER_DETECT: Stage[] = STAGES.slice(1);

/**
 * @param ctx - jobs context
 * @param show - show id or name (slugified)
 * @param season - season number
 * @returns the show id and the season's episodes that have a video, by episode number
 * @throws NotFoundError when the season has no episode with a video
 */
export async function seasonEpisodes(
  ctx: JobsContext,
  show: string,
  season: number,
): Promise<{ showId: string; episodes: Episode[] }> {
  const showId = slugify(show);
  const episodes = (await listEpisodes(ctx.db, { showId })).filter(
    (e) => e.season === season && readSource(sourceJson(ctx.config.data_dir, e.ep_id)) !== null,
  );
  if (episodes.length === 0) {
    throw new NotFoundError(
      `Show ${showId || show} has no episode with a video in season ${season}: register them with POST /shows/${showId || show}/seasons/${season}/episodes`,
    );
  }
  return { showId, episodes };
}

async function refuseWhenBusy(ctx: JobsContext, episodes: Episode[]): Promise<void> {
  for (const e of episodes) {
    const [busy] = await listActiveJobs(ctx.db, e.ep_id);
    if (busy) {
      throw new ConflictError(
        `${busy.stage} of ${e.ep_id} is ${busy.state}: wait for it or cancel it (POST /jobs/${busy.job_id}/cancel) before running the season`,
      );
    }
  }
}

/**
 * Starts a season run: a new run per episode, recorded in `season-run.json`, then every stage of every episode.
 * @param ctx - jobs context
 * @param jobs - the jobs service (mode choice, local and redis runners)
 * @param show - show id or name
 * @param season - season number
 * @param request - mode, profile, device, abort signal (local)
 * @returns redis: the queued chains at once; local: every episode's stages once all have ended
 * @throws NotFoundError when the season has no episode with a video; ConflictError (409) when a stage job of one
 *   of its episodes is queued or running; QueueUnavailableError (503) when `redis` was asked and Redis is down;
 *   AppError (`DEVICE_UNAVAILABLE`) when the device cannot be used
 */
export async function startSeasonRun(
  ctx: JobsContext,
  jobs: JobsService,
  show: string,
  season: number,
  request: SeasonRunRequest = {},
): Promise<QueuedSeasonRun | LocalSeasonRun> {
  const all = await seasonEpisodes(ctx, show, season);
  const { showId } = all;
  const episodes = request.epIds
    ? all.episodes.filter((e) => request.epIds!.includes(e.ep_id))
    : all.episodes;
  if (episodes.length === 0) {
    throw new NotFoundError(
      `None of ${request.epIds?.join(', ')} is an episode of ${showId} season ${season} with a video`,
    );
  }
  await refuseWhenBusy(ctx, episodes);
  const { mode, warning } = await jobs.chooseMode(request.executionMode);
  const profile = request.profile ?? ctx.config.profile;
  if (mode === 'local') {
    // DEVICE_UNAVAILABLE (400) before any run is created, as a local job fails before it is admitted.
    planStage(
      ctx.config,
      {
        profile,
        device: request.device ?? ctx.config.device,
        allow_cpu_fallback: ctx.config.allow_cpu_fallback,
      },
      ctx.config.jobs.local_max_threads,
    );
  }
  const runs: SeasonRunRecord['episodes'] = [];
  for (const e of episodes) {
    runs.push({
      ep_id: e.ep_id,
      run_id: (await createRun(ctx.db, { ep_id: e.ep_id, profile })).run_id,
    });
  }
  const record: SeasonRunRecord = {
    schema_version: 1,
    season_job_id: `season-${randomUUID()}`,
    show_id: showId,
    season,
    execution_mode: mode,
    profile,
    created_at: new Date().toISOString(),
    ended_at: null,
    episodes: runs,
  };
  writeSeasonRun(ctx.config.data_dir, record);
  const base = { profile: request.profile, device: request.device };
  if (mode === 'redis') {
    const queued: QueuedSeasonRun['episodes'] = [];
    let workerWarning: string | null = null;
    for (const { ep_id: epId, run_id: runId } of record.episodes) {
      const result = await jobs.submit(
        'detect_track',
        { epId, runId, ...base, executionMode: 'redis' },
        { chain: CHAIN_AFTER_DETECT },
      );
      if (result.execution_mode === 'redis') {
        queued.push({ ep_id: epId, run_id: runId, job_id: result.job_id });
        workerWarning ??= result.warning;
      }
    }
    return {
      season_job_id: record.season_job_id,
      execution_mode: 'redis',
      episodes: queued,
      warning: workerWarning ?? warning,
    };
  }
  const done: LocalSeasonEpisode[] = [];
  try {
    await runLocally(jobs, record, base, request.signal, done);
  } finally {
    writeSeasonRun(ctx.config.data_dir, { ...record, ended_at: new Date().toISOString() });
  }
  return { season_job_id: record.season_job_id, execution_mode: 'local', episodes: done, warning };
}

/** Runs the record's episodes one after another, every stage a local job; fills `done`. */
async function runLocally(
  jobs: JobsService,
  record: SeasonRunRecord,
  base: { profile?: ProfileName; device?: DeviceName },
  signal: AbortSignal | undefined,
  done: LocalSeasonEpisode[],
): Promise<void> {
  for (const { ep_id: epId, run_id: runId } of record.episodes) {
    const episode: LocalSeasonEpisode = {
      ep_id: epId,
      run_id: runId,
      status: 'completed',
      stages: [],
    };
    done.push(episode);
    if (signal?.aborted) {
      episode.status = 'cancelled';
      continue;
    }
    for (const stage of STAGES) {
      let result: LocalResult | QueuedResult;
      try {
        result = await jobs.submit(
          stage,
          { epId, runId, ...base, executionMode: 'local' },
          { signal },
        );
      } catch (err) {
        // Not admitted (a stage job started meanwhile by someone else): this episode stops, the others run.
        const error = err instanceof Error ? err.message : String(err);
        episode.stages.push({ stage, status: 'error', elapsed_seconds: 0, error });
        episode.status = 'error';
        break;
      }
      if (result.execution_mode !== 'local') {
        continue;
      }
      episode.stages.push({
        stage,
        status: result.status,
        elapsed_seconds: result.elapsed_seconds,
        error: result.error,
      });
      if (result.status !== 'completed') {
        episode.status = signal?.aborted ? 'cancelled' : 'error';
        break;
      }
    }
  }
}
