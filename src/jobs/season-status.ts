/**
 * @module A season run's progress per episode, read from the job rows (and `progress.json` of running stages) and
 * the season's `season-run.json`: any API process can answer it, in either mode.
 */
import { listStageJobs, type Episode, type ExecutionMode, type Job } from '../store/index.ts';
import { STAGES, type Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { viewJob } from './job-view.ts';
import { readSeasonRun } from './season-record.ts';
import { seasonEpisodes } from './season-run.ts';

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

/** The newest job of each stage of the run, in stage order (absent stages left out). */
async function jobsOfRun(ctx: JobsContext, epId: string, runId: string | null): Promise<Job[]> {
  const latest = (
    await Promise.all(STAGES.map((stage) => listStageJobs(ctx.db, epId, stage, 8)))
  ).flat();
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

async function progressOf(
  ctx: JobsContext,
  episode: Episode,
  runId: string | null,
  inChain: boolean,
  now: Date,
): Promise<SeasonEpisodeProgress> {
  const jobs = await jobsOfRun(ctx, episode.ep_id, runId);
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
  const view = await viewJob(ctx, last, now);
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
export async function seasonRunStatus(
  ctx: JobsContext,
  show: string,
  season: number,
  now: Date = new Date(),
): Promise<SeasonRunStatus> {
  const { showId, episodes } = await seasonEpisodes(ctx, show, season);
  const record = readSeasonRun(ctx.config.data_dir, showId, season);
  const runs = new Map(record?.episodes.map((e) => [e.ep_id, e.run_id]));
  const waiting = record !== null && record.ended_at === null;
  const items = await Promise.all(
    episodes.map((e) =>
      progressOf(ctx, e, runs.get(e.ep_id) ?? null, waiting && runs.has(e.ep_id), now),
    ),
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
