/**
 * @module Admitting a job: in ONE serialised database transaction (`transact`), check the episode, the stage lock and the active
 * job (taking over a dead or silent holder, logged), pick the run, check the upstream stage, insert the job, create
 * the O_EXCL lock file and mirror runtime.json. Two tabs, two API processes or an API restart in between cannot
 * admit two jobs of one (episode, stage): the transaction serialises them and the lock file says who holds it.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import { STAGE_SPECS } from '../pipeline/index.ts';
import {
  createRun,
  findActiveJob,
  getEpisode,
  getJob,
  insertJob,
  latestRun,
  listRuns,
  lockFile,
  parseEpisodeId,
  parseRunId,
  readMarker,
  readSource,
  runPaths,
  sourceJson,
  transact,
  type ExecutionMode,
  type Job,
} from '../store/index.ts';
import type { DeviceName, EpisodeId, ProfileName, RunId, Stage } from '../types.ts';
import { killLeftoverChild } from './child.ts';
import type { JobsContext } from './context.ts';
import { StageBusyError } from './errors.ts';
import { logJob } from './job-log.ts';
import { abandon, settleMarker } from './job-state.ts';
import { JOB_KIND_SPECS } from './kinds.ts';
import { viewJob } from './job-view.ts';
import { createLock, judgeHolder, readLock, removeLock, type StageLock } from './lock.ts';
import { syncRuntime } from './runtime-mirror.ts';

/** What a caller asks for. Unset options take the config's defaults. */
export interface JobRequest {
  /** Episode id. */
  epId: string;
  /** Run to write into; default: the episode's latest run (a new one for detect_track when it has none). */
  runId?: string;
  /** Profile; default `config.profile`. */
  profile?: ProfileName;
  /** Device; default `config.device`. */
  device?: DeviceName;
  /** CPU fallback; default `config.allow_cpu_fallback`. */
  allowCpuFallback?: boolean;
  /** Who asked for it: the signed-in user of the API; null or absent for the CLI and for season chains. */
  requestedBy?: string | null;
}

/** A request with its stage and how it runs. */
export interface AdmitInput extends JobRequest {
  /** The stage. */
  stage: Stage;
  /** Execution mode: `local` jobs are admitted `running` by this process, `redis` jobs `queued`. */
  mode: ExecutionMode;
  /** Continue from the stage's checkpoint. */
  resume?: boolean;
  /** The job being resumed. */
  resumedFrom?: string | null;
}

/** A holder that was taken over, to log once the transaction has committed. */
interface Takeover {
  old: Job;
  reason: string;
}

function describeBusy(job: Job): string {
  const how =
    job.mode === 'redis'
      ? `job ${job.job_id} (${job.state}): cancel it with POST /jobs/${job.job_id}/cancel or wait for it`
      : `in local mode in process ${job.runner_pid} on ${job.host}: wait for it or close that request`;
  return `${job.stage} of ${job.ep_id} is already running, ${how}`;
}

/**
 * Checks the lock and the active job: throws when either is live; else ends the dead or silent ones (killing a
 * leftover child on this host) and removes the lock file.
 * @param tx - jobs context whose `db` is the admission's transaction
 */
async function clearHolders(tx: JobsContext, epId: EpisodeId, stage: Stage): Promise<Takeover[]> {
  const path = lockFile(tx.config.data_dir, epId, stage);
  const read = readLock(path);
  const lock: StageLock | null = read.kind === 'held' ? read.lock : null;
  const lockJob = lock ? await getJob(tx.db, lock.job_id) : null;
  const active = await findActiveJob(tx.db, epId, stage);
  const candidates: [Job | null, StageLock | null][] =
    read.kind === 'free' ? [] : [[lockJob, lock]];
  if (active && active.job_id !== lockJob?.job_id) {
    candidates.push([active, null]);
  }
  const opts = { host: tx.host, now: new Date(), stallAfterS: tx.config.jobs.stall_after_s };
  const takeovers: Takeover[] = [];
  for (const [job, heldBy] of candidates) {
    const verdict = judgeHolder(job, heldBy, opts);
    if (verdict.live && job) {
      throw new StageBusyError(describeBusy(job), await viewJob(tx, job));
    }
    const reason = verdict.live ? 'unreadable lock file' : verdict.reason;
    if (job?.state === 'queued' || job?.state === 'running') {
      takeovers.push({ old: job, reason });
    }
  }
  for (const { old, reason } of takeovers) {
    killLeftoverChild(old, tx.host);
    await abandon(tx, old, `lost: ${reason}; its lock was taken over`, 'error');
    settleMarker(tx.config.data_dir, old, 'error', `lost: ${reason}`);
  }
  removeLock(path, null);
  return takeovers;
}

/** The run a job writes into: the named one, else the latest, else a new one for detect_track. */
async function resolveRun(
  tx: JobsContext,
  epId: EpisodeId,
  input: AdmitInput,
  profile: ProfileName,
): Promise<RunId> {
  if (input.runId !== undefined) {
    const runId = parseRunId(input.runId);
    if (!(await listRuns(tx.db, epId)).some((r) => r.run_id === runId)) {
      throw new NotFoundError(
        `Run ${runId} is not a run of ${epId}: leave run_id out to use the latest run`,
      );
    }
    return runId;
  }
  const latest = await latestRun(tx.db, epId);
  if (latest) {
    return latest.run_id;
  }
  if (input.stage !== 'detect_track') {
    throw new ConflictError(
      `Episode ${epId} has no run yet: run detect_track first (POST /jobs/detect_track)`,
    );
  }
  return (await createRun(tx.db, { ep_id: epId, profile })).run_id;
}

/** Throws 409 when the stage's upstream stage is running, or has not succeeded in the run. */
async function checkUpstream(
  tx: JobsContext,
  epId: EpisodeId,
  stage: Stage,
  runId: RunId,
): Promise<void> {
  const upstream = STAGE_SPECS[stage].upstream;
  if (upstream === null) {
    return;
  }
  const busy = await findActiveJob(tx.db, epId, upstream);
  if (busy) {
    throw new ConflictError(
      `${stage} needs ${upstream}, which is running for ${epId}: wait for it to finish first`,
    );
  }
  const marker = readMarker(runPaths(tx.config.data_dir, epId, runId).marker(upstream));
  if (marker?.status !== 'success') {
    throw new ConflictError(
      `${stage} needs ${upstream} to have succeeded in run ${runId} (it is ${marker?.status ?? 'not run'}): run ${upstream} first (POST /jobs/${upstream})`,
    );
  }
}

/**
 * Admits a job of one stage of an episode.
 * @param ctx - jobs context
 * @param input - stage, episode, run, profile, device, mode, resume
 * @returns the job: `running` and held by this process in `local` mode, `queued` in `redis` mode
 * @throws InputError (`INPUT_INVALID`) for a bad episode or run id; NotFoundError (`NOT_FOUND`) for an unknown
 *   episode or run; StageBusyError (`CONFLICT`, 409, with the active job) when the stage is held by a live job;
 *   ConflictError (`CONFLICT`) when the episode has no video or the upstream stage has not succeeded
 */
export async function admitJob(ctx: JobsContext, input: AdmitInput): Promise<Job> {
  const epId = parseEpisodeId(input.epId);
  const { config } = ctx;
  const profile = input.profile ?? config.profile;
  const { job, takeovers } = await transact(ctx.db, async (db) => {
    const tx: JobsContext = { ...ctx, db };
    if (!(await getEpisode(db, epId))) {
      throw new NotFoundError(
        `Episode ${epId} is not registered: create it with POST /episodes first`,
      );
    }
    if (!readSource(sourceJson(config.data_dir, epId))) {
      throw new ConflictError(
        `Episode ${epId} has no video yet: upload it with POST /episodes/${epId}/video`,
      );
    }
    const takeovers = await clearHolders(tx, epId, input.stage);
    const runId = await resolveRun(tx, epId, input, profile);
    await checkUpstream(tx, epId, input.stage, runId);
    const local = input.mode === 'local';
    // The registry's schema is what a stage job's `params` hold (a CLI caller's values are checked here too).
    const params = JOB_KIND_SPECS.stage.params(input.stage).parse({
      profile,
      device: input.device ?? config.device,
      allow_cpu_fallback: input.allowCpuFallback ?? config.allow_cpu_fallback,
      resume: input.resume ?? false,
      resumed_from: input.resumedFrom ?? null,
    }) as Pick<Job, 'profile' | 'device' | 'allow_cpu_fallback' | 'resume' | 'resumed_from'>;
    const job = await insertJob(db, {
      kind: 'stage',
      ep_id: epId,
      run_id: runId,
      stage: input.stage,
      mode: input.mode,
      ...params,
      requested_by: input.requestedBy ?? null,
      runner: local ? { host: ctx.host, pid: ctx.pid } : undefined,
    });
    const now = job.created_at;
    const lock = {
      pid: ctx.pid,
      host: ctx.host,
      job_id: job.job_id,
      started_at: now,
      heartbeat_at: now,
    };
    if (!createLock(lockFile(config.data_dir, epId, input.stage), lock)) {
      throw new ConflictError(
        `${input.stage} of ${epId} was locked by another process a moment ago: retry`,
      );
    }
    await syncRuntime(config.data_dir, db, epId);
    return { job, takeovers };
  });
  for (const { old, reason } of takeovers) {
    const text = `Lock of ${old.stage} taken over from job ${old.job_id} (${reason}) by job ${job.job_id}`;
    logJob(config.data_dir, old, 'warn', 'job.lock_taken_over', {
      text,
      reason,
      by_job_id: job.job_id,
    });
    if (old.run_id !== job.run_id) {
      logJob(config.data_dir, job, 'warn', 'job.lock_taken_over', {
        text,
        reason,
        from_job_id: old.job_id,
      });
    }
  }
  return job;
}
