/**
 * @module Runs one claimed job to its end, the same way in both modes: plan, spawn the stage child, then every
 * `config.jobs.poll_ms` check the child, the cancel flag (set by any process in the database), the timeout and the
 * shutdown signal; at most every `config.jobs.heartbeat_s` copy the stage's own heartbeat (`progress.json`, written
 * only when the stage makes progress) into the job row; and finally record how it ended. A stage that is alive but
 * makes no progress (a hung decoder, a stopped process) leaves the row's heartbeat to age until the job is stalled.
 *
 * Self-fencing (`redis` mode, where the next runner may be on another host): when no read of the database has come
 * back for {@link fenceAfterS} seconds (a cut link leaves the calls hanging), the runner kills its stage child
 * before any reader can see the job stalled and resume it elsewhere, so two hosts never write one run; the row is
 * left as it is, to be seen stalled. The fence follows STONITH-style self-fencing (a node that loses the cluster
 * stops its own resources first).
 */
import type { ChildProcess } from 'node:child_process';
import type { Config } from '../config/index.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { getJob, readMarker, runPaths, type Job } from '../store/index.ts';
import { childExit, spawnStage, stageChildJob, stopChild, type StageChildJob } from './child.ts';
import type { JobsContext } from './context.ts';
import { logJob } from './job-log.ts';
import { beat, recordChild, requeue, settle, settleMarker } from './job-state.ts';
import { planStage, type StagePlan } from './plan.ts';
import { readJobProgress, readStageBeat } from './progress.ts';

/** How a supervised job is run. */
export interface SuperviseOptions {
  /** Prefix of the human log lines: `[LOCAL MODE]` or `[REDIS MODE]`. */
  label: string;
  /** Cancels the job (local mode: the client disconnected). */
  signal?: AbortSignal;
  /** The runner is shutting down: the job is put back in the queue (its child is killed, keeping its checkpoint). */
  shutdown?: AbortSignal;
  /** Seconds after which the job fails with `timeout` (local mode: `config.jobs.local_timeout_s`). */
  timeoutS?: number;
  /** Cap on CPU threads (local mode: `config.jobs.local_max_threads`); null for none. */
  threadCap: number | null;
  /** Called after each heartbeat with the job row (redis mode: pushes progress to the queue job). */
  onHeartbeat?: (job: Job) => Promise<void>;
}

type StopReason = 'cancelled' | 'timeout' | 'requeue' | 'lost' | 'fenced';

const STOP_TEXT: Record<Exclude<StopReason, 'requeue' | 'fenced'>, string> = {
  cancelled: 'cancelled',
  timeout: 'timed out',
  lost: 'stopped: the job was ended by another process',
};

/**
 * Seconds without an answer from the database after which a `redis`-mode runner kills its stage child. A reader
 * calls the job stalled `stall_after_s` after its last heartbeat, which is at most `heartbeat_s` (plus a poll) older
 * than the runner's last answer; the fence comes two polls before the earliest such moment.
 * @param jobs - `config.jobs`
 * @returns seconds, at least two polls
 */
function fenceAfterS(jobs: Config['jobs']): number {
  const pollS = jobs.poll_ms / 1000;
  return Math.max(2 * pollS, jobs.stall_after_s - jobs.heartbeat_s - 2 * pollS);
}

function describe(plan: StagePlan, job: Job): string {
  return `device ${job.device} (${plan.providers.join(', ')}), profile ${plan.profile}, stride ${plan.stride}, cpu_threads ${plan.cpuThreads}`;
}

function pipeStderr(
  ctx: JobsContext,
  job: Job,
  child: ChildProcess,
  onError: (line: string) => void,
): void {
  let buffered = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const isError = line.startsWith('error:');
      if (isError) {
        onError(line.slice('error:'.length).trim());
      }
      logJob(ctx.config.data_dir, job, isError ? 'error' : 'debug', 'child.stderr', {
        text: line,
        noisy: !isError,
      });
    }
  });
}

/**
 * Runs a claimed (`running`) job until its stage ends, is cancelled, times out or the runner shuts down.
 * @param ctx - jobs context
 * @param job - the running job, claimed by this process
 * @param opts - label, cancel and shutdown signals, timeout, thread cap, heartbeat hook
 * @returns the job as it ended (`queued` again after a shutdown; still `running` after a fence, as this runner last
 *   saw it); never throws for a stage failure
 */
export async function superviseJob(
  ctx: JobsContext,
  job: Job,
  opts: SuperviseOptions,
): Promise<Job> {
  const { config } = ctx;
  const dataDir = config.data_dir;
  const startedMs = Date.now();
  const elapsed = () => `${((Date.now() - startedMs) / 1000).toFixed(1)} s`;
  let plan: StagePlan;
  let input: StageChildJob;
  try {
    plan = planStage(config, job, opts.threadCap);
    input = stageChildJob(config, job, plan);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logJob(dataDir, job, 'error', 'job.failed', {
      text: `${opts.label} ${job.stage} failed: ${message}`,
    });
    return (await settle(ctx, job, { state: 'error', error: message })) ?? job;
  }
  for (const note of plan.notes) {
    logJob(dataDir, job, 'warn', 'job.adjusted', { text: `${opts.label} ${note}` });
  }
  logJob(dataDir, job, 'info', 'job.started', {
    text: `${opts.label} Starting ${job.stage} with ${describe(plan, job)}${job.resume ? ', resuming' : ''}`,
    host: ctx.host,
    runner_pid: ctx.pid,
    profile: plan.profile,
    stride: plan.stride,
    cpu_threads: plan.cpuThreads,
  });
  const child = spawnStage(input);
  const stderr = { lastError: null as string | null };
  // A failed spawn (no node binary, EAGAIN) ends as an error with its message instead of an unhandled event.
  child.once('error', (err) => (stderr.lastError = err.message));
  pipeStderr(ctx, job, child, (line) => (stderr.lastError = line));
  const exit = childExit(child);
  let exited = false;
  void exit.then(() => (exited = true));
  await recordChild(ctx, job, child.pid!);

  let stop: StopReason | null = null;
  let stopping: Promise<void> = Promise.resolve();
  let lastBeatMs = Date.now();
  let lastSeq: number | null = null;
  let answeredMs = Date.now();
  const fenceMs = job.mode === 'redis' ? fenceAfterS(config.jobs) * 1000 : Infinity;
  // A timer, not the loop below: with the link cut, the loop's database call hangs.
  const fence = {
    hit: false,
    timer: setInterval(() => {
      if (!stop && !exited && Date.now() - answeredMs > fenceMs) {
        fence.hit = true;
        stop = 'fenced';
        // Logged now: the loop below may stay blocked on the database for long after.
        logJob(dataDir, job, 'error', 'job.fenced', {
          text: `${opts.label} ${job.stage} stopped on ${ctx.host}: the database did not answer for ${(fenceMs / 1000).toFixed(1)} s, so the job may be resumed on another host; it is left to be seen stalled`,
        });
        stopping = stopChild(child, 0);
      }
    }, config.jobs.poll_ms),
  };
  while (!exited) {
    await Promise.race([exit, sleep(config.jobs.poll_ms)]);
    if (exited || stop) {
      continue;
    }
    let row: Job | null;
    try {
      row = await getJob(ctx.db, job.job_id);
    } catch {
      // The database refused (a restart, a cut link that fails fast): the fence decides when that lasts.
      continue;
    }
    answeredMs = Date.now();
    if (opts.signal?.aborted || row?.cancel_requested_at) {
      stop = 'cancelled';
    } else if (row?.state !== 'running') {
      stop = 'lost';
    } else if (opts.timeoutS !== undefined && Date.now() - startedMs > opts.timeoutS * 1000) {
      stop = 'timeout';
    } else if (opts.shutdown?.aborted) {
      stop = 'requeue';
    } else if (Date.now() - lastBeatMs >= config.jobs.heartbeat_s * 1000) {
      const stageBeat = readStageBeat(dataDir, job);
      if (stageBeat && stageBeat.seq !== lastSeq) {
        lastBeatMs = Date.now();
        lastSeq = stageBeat.seq;
        const beaten = await beat(ctx, job, stageBeat.progress, stageBeat.at);
        if (beaten) {
          await opts.onHeartbeat?.(beaten);
        }
      }
    }
    if (stop) {
      stopping = stopChild(child, stop === 'requeue' ? 0 : config.jobs.kill_grace_s);
    }
  }
  clearInterval(fence.timer);
  await stopping;
  await stopChild(child, 0);
  const { code, signal } = await exit;
  const progress = readJobProgress(dataDir, job);

  if (fence.hit) {
    return job;
  }

  if (stop === 'requeue') {
    logJob(dataDir, job, 'warn', 'job.requeued', {
      text: `${opts.label} ${job.stage} put back in the queue after ${elapsed()}: the worker is shutting down`,
    });
    return (await requeue(ctx, job)) ?? job;
  }
  if (stop === 'lost') {
    // Another process ended the job (and may run a new one in this run): leave the marker to it.
    logJob(dataDir, job, 'warn', 'job.lost', {
      text: `${opts.label} ${job.stage} ${STOP_TEXT.lost}`,
    });
    return (await getJob(ctx.db, job.job_id)) ?? job;
  }
  if (stop) {
    const state = stop === 'timeout' ? 'error' : 'cancelled';
    const error = stop === 'timeout' ? 'timeout' : null;
    settleMarker(dataDir, job, state, error ?? 'cancelled');
    logJob(dataDir, job, 'warn', `job.${stop}`, {
      text: `${opts.label} ${job.stage} ${STOP_TEXT[stop]} after ${elapsed()}`,
    });
    return (
      (await settle(ctx, job, { state, error, progress })) ??
      (await getJob(ctx.db, job.job_id)) ??
      job
    );
  }
  if (code === 0) {
    logJob(dataDir, job, 'info', 'job.completed', {
      text: `${opts.label} ${job.stage} completed in ${elapsed()}`,
    });
    return (await settle(ctx, job, { state: 'success', progress })) ?? job;
  }
  const marker = readMarker(runPaths(dataDir, job.ep_id, job.run_id).marker(job.stage));
  const markerError = marker && marker.started_at >= job.started_at! ? marker.error : null;
  const error =
    markerError ?? stderr.lastError ?? `stage process exited with ${signal ?? `code ${code}`}`;
  settleMarker(dataDir, job, 'error', error);
  logJob(dataDir, job, 'error', 'job.failed', {
    text: `${opts.label} ${job.stage} failed after ${elapsed()}: ${error}`,
  });
  return (await settle(ctx, job, { state: 'error', error, progress })) ?? job;
}
