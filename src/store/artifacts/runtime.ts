/**
 * @module `episodes/{ep_id}/runtime.json`: the active job of each stage of an episode (written by the jobs layer).
 */
import { z } from 'zod';
import { STAGES } from '../../types.ts';
import { readJsonArtifact, schemaVersionField, writeJsonArtifact } from './json-artifact.ts';

/** Execution modes of DESIGN.md. */
export const EXECUTION_MODES = ['local', 'redis'] as const;

/** An execution mode. */
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/** The job running a stage now. */
export const activeJobSchema = z.object({
  /** Queue job id in `redis` mode; null in `local` mode (local runs have no job id). */
  job_id: z.string().nullable(),
  /** Execution mode. */
  mode: z.enum(EXECUTION_MODES),
  /** Process id of the stage's child process on `host`; null before it is spawned. */
  pid: z.number().int().positive().nullable(),
  /** Host name of the machine running the child. */
  host: z.string(),
  /** Start time, ISO 8601 UTC. */
  started_at: z.iso.datetime(),
});

/** The job running a stage now. */
export type ActiveJob = z.infer<typeof activeJobSchema>;

/** `episodes/{ep_id}/runtime.json`. */
export const runtimeSchema = z.object({
  schema_version: schemaVersionField,
  /** Stage to its active job; a stage with no active job has no key or null. */
  active_jobs: z.partialRecord(z.enum(STAGES), activeJobSchema.nullable()),
  /** Time of the last write, ISO 8601 UTC. */
  updated_at: z.iso.datetime(),
});

/** Contents of `runtime.json`. */
export type Runtime = z.infer<typeof runtimeSchema>;

/**
 * @param path - `runtimeJson(dataDir, epId)`
 * @returns the runtime state, or null when no job ever ran for the episode
 * @throws AppError (`INTERNAL`) on a bad file or `schema_version`
 */
export function readRuntime(path: string): Runtime | null {
  return readJsonArtifact(path, runtimeSchema);
}

/**
 * Writes `runtime.json` atomically. The file is shared by all stages of the episode: the jobs layer must
 * serialise read-modify-write cycles of different stages.
 * @param path - `runtimeJson(dataDir, epId)`
 * @param runtime - the state
 * @throws ZodError when `runtime` does not match the schema
 */
export function writeRuntime(path: string, runtime: Runtime): void {
  writeJsonArtifact(path, runtimeSchema, runtime);
}
