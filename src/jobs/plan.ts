/**
 * @module What a job's child process runs with: the device check, the profile (`performance` downgraded to
 * `balanced` on a CPU-only device), the CPU thread cap of `local` mode, and the notes to log about each.
 */
import { availableParallelism } from 'node:os';
import { resolveProfile, type Config } from '../config/index.ts';
import { resolveDevice } from '../models/index.ts';
import type { Job } from '../store/index.ts';
import type { ProfileName } from '../types.ts';

/** The settings a job's stage runs with. */
export interface StagePlan {
  /** Effective profile. */
  profile: ProfileName;
  /** Analyse every `stride`-th frame (from the profile). */
  stride: number;
  /** CPU threads after every cap. */
  cpuThreads: number;
  /** ONNX Runtime execution providers the device request maps to, e.g. `['cpu']`. */
  providers: string[];
  /** Cap on CPU threads given to the child (`SCREENALYTICS_MAX_CPU_THREADS`), or null when not capped. */
  maxThreads: number | null;
  /** One line per adjustment (downgrade, cap, device fallback), for the job log. */
  notes: string[];
}

/**
 * Plans a job's stage on this machine.
 * @param config - loaded config (`profiles`, `max_cpu_threads`)
 * @param job - requested profile, device and CPU fallback
 * @param threadCap - extra cap on CPU threads (`config.jobs.local_max_threads` in `local` mode), or null
 * @returns the plan
 * @throws AppError (`DEVICE_UNAVAILABLE`, 400) when the requested accelerator is missing and fallback is off
 */
export function planStage(
  config: Config,
  job: Pick<Job, 'profile' | 'device' | 'allow_cpu_fallback'>,
  threadCap: number | null,
): StagePlan {
  const execution = resolveDevice(job.device, job.allow_cpu_fallback);
  const notes = [...execution.warnings];
  let profile = job.profile;
  if (profile === 'performance' && execution.providers.every((p) => p === 'cpu')) {
    profile = 'balanced';
    notes.push(
      'profile performance downgraded to balanced: no accelerator on this machine (CPU only)',
    );
  }
  const machineCap = config.max_cpu_threads ?? availableParallelism();
  const maxThreads = threadCap === null ? null : Math.min(machineCap, threadCap);
  const resolved = resolveProfile(
    { ...config, max_cpu_threads: maxThreads ?? config.max_cpu_threads },
    profile,
  );
  if (maxThreads !== null) {
    notes.push(`cpu_threads capped at ${maxThreads} (SCREENALYTICS_LOCAL_MAX_THREADS)`);
  }
  return {
    profile,
    stride: resolved.stride,
    cpuThreads: resolved.cpu_threads,
    providers: execution.providers,
    maxThreads,
    notes,
  };
}
