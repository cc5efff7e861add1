/**
 * @module Starts and stops a job's stage child: `node --import parent-guard.js --import tsx stage-child.ts JOB_ID`
 * in its own process group, given the resolved job (episode, run, source, effective config) on its standard input,
 * with the parent guard preloaded (the child dies with its runner), and stopped by SIGTERM to the leader (the stage
 * marks itself cancelled) and then SIGKILL to the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/index.ts';
import { NotFoundError } from '../errors.ts';
import { readSource, sourceJson, type Job, type SourceJson } from '../store/index.ts';
import type { EpisodeId, RunId, Stage } from '../types.ts';
import type { StagePlan } from './plan.ts';
import { killProcessGroup, processArgs } from './processes.ts';

/** The module the stage child runs (stage-child.ts). */
export const STAGE_CHILD = fileURLToPath(new URL('./stage-child.ts', import.meta.url));
const PARENT_GUARD = new URL('./parent-guard.js', import.meta.url).href;
// Resolved here, not by the child from its working directory (an API started from elsewhere must find it too).
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * What the stage child is given on its standard input (JSON): everything resolved once by the runner, so the child
 * neither parses flags nor looks up the episode, run or source again.
 */
export interface StageChildJob {
  /** The job (also the child's only command-line argument, so that `ps` and leftover checks can name it). */
  job_id: string;
  /** The stage to run. */
  stage: Stage;
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run the stage writes into. */
  run_id: RunId;
  /** Continue from the stage's checkpoint in the run. */
  resume: boolean;
  /** The episode's source.json (video path and probe). */
  source: SourceJson;
  /**
   * The runner's config with the plan applied: effective `profile`, the job's `device` and `allow_cpu_fallback`,
   * `max_cpu_threads` capped (local mode) and an absolute `data_dir`; its `database` is the runner's, so the stages
   * that read or write the database open the same one.
   */
  config: Config;
}

/**
 * Resolves what the stage child runs.
 * @param config - the runner's config
 * @param job - the job
 * @param plan - effective profile and thread cap
 * @returns the child's input
 * @throws NotFoundError when the episode has no source.json in `config.data_dir`
 */
export function stageChildJob(config: Config, job: Job, plan: StagePlan): StageChildJob {
  const source = readSource(sourceJson(config.data_dir, job.ep_id));
  if (!source) {
    throw new NotFoundError(`Episode ${job.ep_id} is not registered in ${config.data_dir}`);
  }
  return {
    job_id: job.job_id,
    stage: job.stage,
    ep_id: job.ep_id,
    run_id: job.run_id,
    resume: job.resume,
    source,
    config: {
      ...config,
      data_dir: resolve(config.data_dir),
      profile: plan.profile,
      device: job.device,
      allow_cpu_fallback: job.allow_cpu_fallback,
      max_cpu_threads: plan.maxThreads ?? config.max_cpu_threads,
    },
  };
}

/**
 * Spawns the stage child, detached into its own process group, and writes its input to its standard input;
 * stdout is discarded (the marker is on disk), stderr is piped to the caller.
 * @param input - the resolved job (stageChildJob)
 * @returns the child; its pid is also its process group id
 */
export function spawnStage(input: StageChildJob): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', PARENT_GUARD, '--import', TSX_LOADER, STAGE_CHILD, input.job_id],
    {
      detached: true,
      env: { ...process.env, SCREENALYTICS_PARENT_POLL_MS: String(input.config.jobs.poll_ms) },
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  // A child that dies before reading its input (killed at once) closes the pipe: that is its exit's business.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(JSON.stringify(input));
  return child;
}

/**
 * @param child - a spawned child
 * @returns resolves when the child has exited, with its exit code or signal
 */
export async function childExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

/**
 * Stops a child and everything in its process group.
 * @param child - the stage child (a group leader)
 * @param graceS - seconds between SIGTERM to the leader and SIGKILL to the group; 0 kills at once (keeps the
 *   stage's checkpoint, as a crash would)
 */
export async function stopChild(child: ChildProcess, graceS: number): Promise<void> {
  const exited = childExit(child);
  if (graceS > 0 && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(graceS * 1000)]);
  }
  killProcessGroup(child.pid!, 'SIGKILL');
  await exited;
}

/**
 * Kills the process group of a job's child left behind on this host (its runner is gone), after checking that the
 * pid still runs that job's stage (a recycled pid is left alone).
 * @param job - the job; nothing happens when its child ran on another host or never started
 * @param host - this host's name
 */
export function killLeftoverChild(job: Job, host: string): void {
  if (job.host !== host || job.child_pid === null) {
    return;
  }
  const args = processArgs(job.child_pid);
  if (args?.includes(STAGE_CHILD) && args.includes(job.job_id)) {
    killProcessGroup(job.child_pid, 'SIGKILL');
  }
}
