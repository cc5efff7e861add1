/**
 * @module Mirrors the active jobs of an episode from the database into `episodes/{ep_id}/runtime.json`. Called
 * only inside the serialised transactions of job-state.ts and admission.ts, which order its writes across
 * processes.
 */
import {
  listActiveJobs,
  runtimeJson,
  writeRuntime,
  type ActiveJob,
  type Db,
  type Job,
} from '../store/index.ts';
import { STAGES, type EpisodeId } from '../types.ts';

function activeEntry(job: Job | undefined): ActiveJob | null {
  if (!job) {
    return null;
  }
  return {
    job_id: job.mode === 'redis' ? job.job_id : null,
    mode: job.mode,
    pid: job.child_pid,
    host: job.host ?? '',
    started_at: job.started_at ?? job.created_at,
  };
}

/**
 * Rewrites `runtime.json` from the queued and running jobs of the episode (one entry per stage, null when idle).
 * @param dataDir - data directory
 * @param db - the caller's transaction
 * @param epId - episode id
 */
export async function syncRuntime(dataDir: string, db: Db, epId: EpisodeId): Promise<void> {
  const active = await listActiveJobs(db, epId);
  writeRuntime(runtimeJson(dataDir, epId), {
    schema_version: 1,
    active_jobs: Object.fromEntries(
      STAGES.map((s) => [s, activeEntry(active.find((j) => j.stage === s))]),
    ),
    updated_at: new Date().toISOString(),
  });
}
