/**
 * @module Starts and stops a job's stage child: `node bin/screenalytics.js stage STAGE ...` in its own process
 * group, with the parent guard preloaded (the child dies with its runner), and stopped by SIGTERM to the leader
 * (the stage marks itself cancelled) and then SIGKILL to the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/index.ts';
import type { Job } from '../store/index.ts';
import type { StagePlan } from './plan.ts';
import { killProcessGroup, processArgs } from './processes.ts';

const BIN = fileURLToPath(new URL('../../bin/screenalytics.js', import.meta.url));
const PARENT_GUARD = new URL('./parent-guard.js', import.meta.url).href;

/** Extra arguments of a resumed job: the stage continues from its checkpoint in the run. */
const RESUME_ARGS: readonly string[] = ['--resume'];

/**
 * The child's command-line arguments after `node`.
 * @param config - loaded config (`data_dir`)
 * @param job - the job
 * @param plan - effective profile
 */
export function stageArgs(config: Config, job: Job, plan: StagePlan): string[] {
  return [
    '--import',
    PARENT_GUARD,
    BIN,
    'stage',
    job.stage,
    '--ep-id',
    job.ep_id,
    '--run-id',
    job.run_id,
    '--profile',
    plan.profile,
    '--device',
    job.device,
    ...(job.allow_cpu_fallback ? ['--allow-cpu-fallback'] : []),
    '--data-dir',
    resolve(config.data_dir),
    ...(job.resume ? RESUME_ARGS : []),
  ];
}

/**
 * Spawns the stage child, detached into its own process group; stdout is discarded (the marker is on disk),
 * stderr is piped to the caller.
 * @param config - loaded config (`data_dir`, `jobs.poll_ms` for the parent guard)
 * @param job - the job
 * @param plan - effective profile and thread cap
 * @returns the child; its pid is also its process group id
 */
export function spawnStage(config: Config, job: Job, plan: StagePlan): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SCREENALYTICS_PARENT_POLL_MS: String(config.jobs.poll_ms),
  };
  if (plan.maxThreads !== null) {
    env.SCREENALYTICS_MAX_CPU_THREADS = String(plan.maxThreads);
  }
  return spawn(process.execPath, stageArgs(config, job, plan), {
    detached: true,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
  if (args?.includes('stage') && args.includes(job.run_id) && args.includes(job.stage)) {
    killProcessGroup(job.child_pid, 'SIGKILL');
  }
}
