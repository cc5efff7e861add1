/**
 * @module Stage status of an episode's run (what the Episode Detail page shows): `not_started`, `running`,
 * `success` (with `zero_rows`), `error`, `stale`, `cancelled`. A successful stage is stale when the episode's video
 * is not the one its marker fingerprinted (size, content of its first and last MiB; for markers without
 * fingerprints: registered after the stage started), when a stage upstream of it finished after it, when its marker's `inputs` no longer name its upstream stage's marker, or when that
 * upstream stage is stale itself.
 */
import { NotFoundError } from '../errors.ts';
import { STAGE_SPECS } from '../pipeline/index.ts';
import {
  changedArtifact,
  fileSha256,
  getEpisode,
  latestRun,
  listActiveJobs,
  listRuns,
  parseEpisodeId,
  parseRunId,
  readMarker,
  readProgress,
  readSource,
  runPaths,
  sourceJson,
  videoChange,
  type Marker,
  type RunPaths,
  type SourceJson,
} from '../store/index.ts';
import { STAGES, type Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { viewJob, type JobView } from './job-view.ts';

/** Stage statuses. */
export const STAGE_STATUSES = [
  'not_started',
  'running',
  'success',
  'error',
  'stale',
  'cancelled',
] as const;

/** A stage status. */
export type StageStatus = (typeof STAGE_STATUSES)[number];

/** One stage's status. */
export interface StageStatusView {
  /** Status. */
  status: StageStatus;
  /** True when the stage succeeded with nothing found. */
  zero_rows: boolean;
  /** The marker's `finished_at` (ISO 8601 UTC), or null. */
  last_run_at: string | null;
  /** The marker's `started_at`, or null. */
  started_at: string | null;
  /** Output counts of the marker. */
  counts: Record<string, number>;
  /** Wall time of the stage run in seconds, or null. */
  runtime_s: number | null;
  /** One-line error, or null. */
  error: string | null;
  /** Why the stage is stale, or null. */
  stale_reason: string | null;
  /** The stage's queued or running job in this run, or null. */
  job: JobView | null;
}

/** Status of every stage of one run of an episode. */
export interface EpisodeStatus {
  /** Episode id. */
  ep_id: string;
  /** The run shown (default: the latest), or null when the episode has none. */
  run_id: string | null;
  /** Stage to status, in pipeline order. */
  stages: Record<Stage, StageStatusView>;
}

function ancestors(stage: Stage): Stage[] {
  const up = STAGE_SPECS[stage].upstream;
  return up === null ? [] : [up, ...ancestors(up)];
}

/** Why the video the stage read is not the episode's video now, or null. */
function videoStaleReason(stage: Stage, marker: Marker, source: SourceJson | null): string | null {
  if (!source) {
    return null;
  }
  const recorded = marker.fingerprints?.video;
  const change = recorded
    ? videoChange(recorded, source.video_path)
    : marker.started_at < source.registered_at
      ? 'registered again'
      : null;
  return change === null
    ? null
    : `the episode's video changed (${change}) since ${stage} ran: run every stage again from detect_track`;
}

function staleReason(
  stage: Stage,
  marker: Marker,
  paths: RunPaths,
  source: SourceJson | null,
): string | null {
  const video = videoStaleReason(stage, marker, source);
  if (video !== null) {
    return video;
  }
  const up = STAGE_SPECS[stage].upstream;
  for (const a of ancestors(stage)) {
    const m = readMarker(paths.marker(a));
    if (m?.finished_at && marker.finished_at && m.finished_at > marker.finished_at) {
      return `${a} finished at ${m.finished_at}, after ${stage} (${marker.finished_at}): run ${stage} again`;
    }
  }
  if (up !== null) {
    const m = readMarker(paths.marker(up));
    if (m?.marker_id !== marker.inputs[up]) {
      return `${stage} read another ${up} output than the run holds now: run ${stage} again`;
    }
    const artifacts = marker.fingerprints?.artifacts;
    const changed = artifacts ? changedArtifact(artifacts, STAGE_SPECS[up].outputs(paths)) : null;
    if (changed !== null) {
      return `${up}'s output ${changed} changed after ${stage} read it: run ${stage} again`;
    }
    const recordedSha = marker.fingerprints?.upstream[up];
    if (recordedSha !== undefined && fileSha256(paths.marker(up)) !== recordedSha) {
      return `${stage} read another ${up} output than the run holds now: run ${stage} again`;
    }
    if (m?.status === 'success' && staleReason(up, m, paths, source) !== null) {
      return `${up} is stale: run ${up}, then ${stage} again`;
    }
  }
  return null;
}

function statusOf(
  ctx: JobsContext,
  stage: Stage,
  paths: RunPaths | null,
  job: JobView | null,
  source: SourceJson | null,
): StageStatusView {
  const marker = paths ? readMarker(paths.marker(stage)) : null;
  const base: StageStatusView = {
    status: 'not_started',
    zero_rows: marker?.zero_rows ?? false,
    last_run_at: marker?.finished_at ?? null,
    started_at: marker?.started_at ?? null,
    counts: marker?.counts ?? {},
    runtime_s: marker?.elapsed_s ?? null,
    error: marker?.error ?? null,
    stale_reason: null,
    job,
  };
  if (job) {
    return { ...base, status: 'running' };
  }
  if (!marker || !paths) {
    return base;
  }
  if (marker.status === 'running') {
    // No job runs it: a live `screenalytics stage` writes progress.json as it progresses; else it died unfinished.
    const progress = readProgress(paths.progress);
    const ageS = progress ? (Date.now() - Date.parse(progress.heartbeat_at)) / 1000 : Infinity;
    return progress?.stage === stage && ageS <= ctx.config.jobs.stall_after_s
      ? { ...base, status: 'running' }
      : {
          ...base,
          status: 'error',
          error: 'the stage process stopped without finishing: run it again or resume it',
        };
  }
  if (marker.status === 'success') {
    const reason = staleReason(stage, marker, paths, source);
    return reason
      ? { ...base, status: 'stale', stale_reason: reason }
      : { ...base, status: 'success' };
  }
  return { ...base, status: marker.status };
}

/**
 * @param ctx - jobs context
 * @param epId - episode id
 * @param runId - run to show (default: the latest)
 * @returns every stage's status
 * @throws InputError for a bad id; NotFoundError for an unknown episode or run
 */
export async function episodeStatus(
  ctx: JobsContext,
  epId: string,
  runId?: string,
): Promise<EpisodeStatus> {
  const id = parseEpisodeId(epId);
  if (!(await getEpisode(ctx.db, id))) {
    throw new NotFoundError(`Episode ${id} is not registered: create it with POST /episodes first`);
  }
  const run =
    runId === undefined ? ((await latestRun(ctx.db, id))?.run_id ?? null) : parseRunId(runId);
  if (
    run !== null &&
    runId !== undefined &&
    !(await listRuns(ctx.db, id)).some((r) => r.run_id === run)
  ) {
    throw new NotFoundError(
      `Run ${run} is not a run of ${id}: leave run_id out to see the latest run`,
    );
  }
  const active = (await listActiveJobs(ctx.db, id)).filter((j) => j.run_id === run);
  const paths = run === null ? null : runPaths(ctx.config.data_dir, id, run);
  const source = readSource(sourceJson(ctx.config.data_dir, id));
  const stages = {} as Record<Stage, StageStatusView>;
  for (const stage of STAGES) {
    const job = active.find((j) => j.stage === stage);
    const view = job ? await viewJob(ctx, job) : null;
    stages[stage] = statusOf(ctx, stage, paths, view, source);
  }
  return { ep_id: id, run_id: run, stages };
}
