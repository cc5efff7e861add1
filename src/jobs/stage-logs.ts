/**
 * @module Persisted logs of one stage of an episode: the lines of its latest and earlier jobs (either mode, any
 * end: success, error, cancel, crash), and of runs made without a job (the CLI), with noisy lines marked.
 */
import { NotFoundError } from '../errors.ts';
import {
  getEpisode,
  listRuns,
  listStageJobs,
  parseEpisodeId,
  readMarker,
  runPaths,
  type LogLine,
} from '../store/index.ts';
import type { Stage } from '../types.ts';
import type { JobsContext } from './context.ts';
import { isNoisy, linesOfJob, readRunStageLog } from './job-log.ts';

/** A log line as served: the stored line with `noisy` always set. */
export type ServedLogLine = LogLine & { noisy: boolean };

/** The log of one job, or of one run's stage run made without a job. */
export interface JobLog {
  /** Job id (redis jobs), or null (local jobs and CLI runs). */
  job_id: string | null;
  /** Run. */
  run_id: string;
  /** Execution mode, or `cli` for a stage run without a job. */
  execution_mode: 'local' | 'redis' | 'cli';
  /** Final or current state (the marker's status for CLI runs). */
  state: string;
  /** When the job was created (or the marker started). */
  created_at: string | null;
  /** When it ended. */
  finished_at: string | null;
  /** One-line error. */
  error: string | null;
  /** Its lines, oldest first. */
  lines: ServedLogLine[];
}

const served = (lines: LogLine[]): ServedLogLine[] =>
  lines.map((l) => ({ ...l, noisy: isNoisy(l) }));

/**
 * @param ctx - jobs context
 * @param epId - episode id
 * @param stage - the stage
 * @param limit - most jobs returned
 * @returns the stage's job logs, newest first, then stage runs of runs without a job of this stage
 * @throws InputError for a bad id; NotFoundError for an unknown episode
 */
export async function stageLogs(
  ctx: JobsContext,
  epId: string,
  stage: Stage,
  limit: number,
): Promise<JobLog[]> {
  const id = parseEpisodeId(epId);
  if (!(await getEpisode(ctx.db, id))) {
    throw new NotFoundError(`Episode ${id} is not registered: create it with POST /episodes first`);
  }
  const jobs = await listStageJobs(ctx.db, id, stage, limit);
  const logs: JobLog[] = jobs.map((job) => ({
    job_id: job.mode === 'redis' ? job.job_id : null,
    run_id: job.run_id,
    execution_mode: job.mode,
    state: job.state,
    created_at: job.created_at,
    finished_at: job.finished_at,
    error: job.error,
    lines: served(linesOfJob(readRunStageLog(ctx.config.data_dir, job), job)),
  }));
  const withJobs = new Set(jobs.map((j) => j.run_id));
  for (const run of (await listRuns(ctx.db, id)).filter((r) => !withJobs.has(r.run_id))) {
    const lines = readRunStageLog(ctx.config.data_dir, { ep_id: id, run_id: run.run_id, stage });
    const marker = readMarker(runPaths(ctx.config.data_dir, id, run.run_id).marker(stage));
    if (lines.length > 0 && logs.length < limit) {
      logs.push({
        job_id: null,
        run_id: run.run_id,
        execution_mode: 'cli',
        state: marker?.status ?? 'unknown',
        created_at: marker?.started_at ?? null,
        finished_at: marker?.finished_at ?? null,
        error: marker?.error ?? null,
        lines: served(lines),
      });
    }
  }
  return logs;
}
