/**
 * @module Running every stage of every episode of a season. `redis`: each episode gets a new run and its
 * detect_track is queued with the rest of the chain (season-chain.ts), so N workers take episodes concurrently
 * and the chain goes on server-side. `local`: the episodes run one after another in this process, each stage a
 * local job (as `POST /jobs/{stage}` runs it). The progress of either is read back from the job rows.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.ts';
import {
  createRun,
  listActiveJobs,
  listEpisodes,
  listStageJobs,
  readSource,
  slugify,
  sourceJson,
  type Episode,
  type ExecutionMode,
  type Job,
} from '../store/index.ts';
import { STAGES, type DeviceName, type ProfileName, type Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { viewJob } from './job-view.ts';
import { writeSeasonRun, readSeasonRun, type SeasonRunRecord } from './season-record.ts';
import type { JobsService, LocalResult } from './service.ts';

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

/** State of one episode in a season run. */
export type SeasonEpisodeState =
  'not_started' | 'queued' | 'running' | 'stalled' | 'success' | 'error' | 'cancelled';

/** Progress of one episode, from its job rows. */
export interface SeasonEpisodeProgress {
  /** Episode id. */
  ep_id: string;
  /** Episode number. */
  episode: number;
  /** Run followed: the season run's, else the episode's latest job's; null when none. */
  run_id: string | null;
  /** Stage of the current (or last) job, or null when none ran. */
  stage: Stage | null;
  /** State of the episode: its current job's, `queued` between two stages of a chain, `success` once screentime is. */
  state: SeasonEpisodeState;
  /** Percent of the episode's four stages done (0-100, one decimal; each stage a quarter), or null when unknown. */
  pct: number | null;
  /** Percent of the current stage done, or null. */
  stage_pct: number | null;
  /** Job id of the current job (redis mode), or null. */
  job_id: string | null;
  /** One-line error of a failed or stopped episode, or null. */
  error: string | null;
}

/** Progress of a season run. */
export interface SeasonRunStatus {
  /** Show id. */
  show_id: string;
  /** Season number. */
  season: number;
  /** Id of the latest season run, or null when the season never ran as one. */
  season_job_id: string | null;
  /** Its execution mode, or null. */
  execution_mode: ExecutionMode | null;
  /** True while an episode is queued, running or stalled (or waiting between two stages of its chain). */
  active: boolean;
  /** Per episode, in episode order. */
  episodes: SeasonEpisodeProgress[];
}

const CHAIN_AFTER_DETECT: Stage[] = STAGES.slice(1);

/**
 * @param ctx - jobs context
 * @param show - show id or name (slugified)
 * @param season - season number
 * @returns the show id and the season's episodes that have a video, by episode number
 * @throws NotFoundError when the season has no episode with a video
 */
export function seasonEpisodes(
  ctx: JobsContext,
  show: string,
  season: number,
): { showId: string; episodes: Episode[] } {
  const showId = slugify(show);
  const episodes = listEpisodes(ctx.db, { showId }).filter(
    (e) => e.season === season && readSource(sourceJson(ctx.config.data_dir, e.ep_id)) !== null,
  );
  if (episodes.length === 0) {
    throw new NotFoundError(
      `Show ${showId || show} has no episode with a video in season ${season}: register them with POST /shows/${showId || show}/seasons/${season}/episodes`,
    );
  }
  return { showId, episodes };
}

function refuseWhenBusy(ctx: JobsContext, episodes: Episode[]): void {
  for (const e of episodes) {
    const [busy] = listActiveJobs(ctx.db, e.ep_id);
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
  const all = seasonEpisodes(ctx, show, season);
  const { showId } = all;
  const episodes = request.epIds
    ? all.episodes.filter((e) => request.epIds!.includes(e.ep_id))
    : all.episodes;
  if (episodes.length === 0) {
    throw new NotFoundError(
      `None of ${request.epIds?.join(', ')} is an episode of ${showId} season ${season} with a video`,
    );
  }
  refuseWhenBusy(ctx, episodes);
  const { mode, warning } = await jobs.chooseMode(request.executionMode);
  const profile = request.profile ?? ctx.config.profile;
  const record: SeasonRunRecord = {
    schema_version: 1,
    season_job_id: `season-${randomUUID()}`,
    show_id: showId,
    season,
    execution_mode: mode,
    profile,
    created_at: new Date().toISOString(),
    ended_at: null,
    episodes: episodes.map((e) => ({
      ep_id: e.ep_id,
      run_id: createRun(ctx.db, { ep_id: e.ep_id, profile }).run_id,
    })),
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
      const result = await jobs.submit(
        stage,
        { epId, runId, ...base, executionMode: 'local' },
        { signal },
      );
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

/** The newest job of each stage of the run, in stage order (absent stages left out). */
function jobsOfRun(ctx: JobsContext, epId: string, runId: string | null): Job[] {
  const latest = STAGES.flatMap((stage) => listStageJobs(ctx.db, epId, stage, 8));
  const run =
    runId ??
    latest.reduce<Job | null>((a, j) => (a === null || j.created_at > a.created_at ? j : a), null)
      ?.run_id ??
    null;
  return STAGES.flatMap((stage) => {
    const job = latest.find((j) => j.stage === stage && j.run_id === run);
    return job ? [job] : [];
  });
}

function progressOf(
  ctx: JobsContext,
  episode: Episode,
  runId: string | null,
  inChain: boolean,
  now: Date,
): SeasonEpisodeProgress {
  const jobs = jobsOfRun(ctx, episode.ep_id, runId);
  const base = {
    ep_id: episode.ep_id,
    episode: episode.episode,
    run_id: runId ?? jobs[0]?.run_id ?? null,
  };
  const last = jobs.at(-1);
  if (!last) {
    return {
      ...base,
      stage: null,
      state: inChain ? 'queued' : 'not_started',
      pct: inChain ? 0 : null,
      stage_pct: null,
      job_id: null,
      error: null,
    };
  }
  const index = STAGES.indexOf(last.stage);
  const view = viewJob(ctx, last, now);
  const stagePct =
    last.state === 'success' ? 100 : (view.progress?.pct ?? (last.state === 'queued' ? 0 : null));
  const pct =
    stagePct === null ? null : Math.round(((index * 100 + stagePct) / STAGES.length) * 10) / 10;
  let state: SeasonEpisodeState;
  let error = last.error;
  if (last.state === 'success') {
    const finishedMs = Date.parse(last.finished_at ?? last.created_at);
    const waitedS = (now.getTime() - finishedMs) / 1000;
    if (index === STAGES.length - 1) {
      state = 'success';
    } else if (inChain && waitedS <= ctx.config.jobs.stall_after_s) {
      state = 'queued';
    } else {
      state = 'error';
      error = inChain
        ? `the chain stopped after ${last.stage}: run the season again, or the next stage with POST /jobs/${STAGES[index + 1]}`
        : `only ran up to ${last.stage}`;
    }
  } else if (view.stalled) {
    state = 'stalled';
  } else {
    state = last.state;
  }
  return {
    ...base,
    stage: last.stage,
    state,
    pct,
    stage_pct: stagePct,
    job_id: view.job_id,
    error,
  };
}

/**
 * Reports a season run's progress per episode from the job rows (and `progress.json` of running stages).
 * @param ctx - jobs context
 * @param show - show id or name
 * @param season - season number
 * @param now - the time (stalls and waits between chain stages are judged against it)
 * @returns the status; episodes outside the latest season run are reported from their latest jobs
 * @throws NotFoundError when the season has no episode with a video
 */
export function seasonRunStatus(
  ctx: JobsContext,
  show: string,
  season: number,
  now: Date = new Date(),
): SeasonRunStatus {
  const { showId, episodes } = seasonEpisodes(ctx, show, season);
  const record = readSeasonRun(ctx.config.data_dir, showId, season);
  const runs = new Map(record?.episodes.map((e) => [e.ep_id, e.run_id]));
  const waiting = record !== null && record.ended_at === null;
  const items = episodes.map((e) =>
    progressOf(ctx, e, runs.get(e.ep_id) ?? null, waiting && runs.has(e.ep_id), now),
  );
  return {
    show_id: showId,
    season,
    season_job_id: record?.season_job_id ?? null,
    execution_mode: record?.execution_mode ?? null,
    active: items.some(
      (i) => i.state === 'queued' || i.state === 'running' || i.state === 'stalled',
    ),
    episodes: items,
  };
}
