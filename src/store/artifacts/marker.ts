/**
 * @module Stage markers `runs/{run_id}/{stage}.json`: what a stage run was asked to do, what it read, how it ended.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DEVICES, STAGES, type EpisodeId, type RunId, type Stage } from '../../types.ts';
import { fileFingerprintSchema, videoFingerprintSchema } from './fingerprint.ts';
import { readJsonArtifact, schemaVersionField, writeJsonArtifact } from './json-artifact.ts';

/** Marker statuses. `stale` is derived by readers, never written. */
export const MARKER_STATUSES = ['running', 'success', 'error', 'cancelled'] as const;

/** A marker status. */
export type MarkerStatus = (typeof MARKER_STATUSES)[number];

/** `runs/{run_id}/{stage}.json`. */
export const markerSchema = z.object({
  schema_version: schemaVersionField,
  /** Unique id of this stage run (UUID); downstream markers name it in `inputs`. */
  marker_id: z.uuid(),
  /** Episode id. */
  ep_id: z.string(),
  /** Run id. */
  run_id: z.string(),
  /** The stage. */
  stage: z.enum(STAGES),
  /** How the stage run stands. */
  status: z.enum(MARKER_STATUSES),
  /** Start time, ISO 8601 UTC. */
  started_at: z.iso.datetime(),
  /** End time, ISO 8601 UTC; null while running. The timestamp that staleness compares. */
  finished_at: z.iso.datetime().nullable(),
  /** The stage's parameters as run (validated by the stage's own schema, not here). */
  params: z.record(z.string(), z.unknown()),
  /** `hashParams(params)`: 16 hex characters. */
  params_hash: z.string().regex(/^[0-9a-f]{16}$/),
  /** Upstream stage to `marker_id` of the upstream marker read. */
  inputs: z.partialRecord(z.enum(STAGES), z.uuid()),
  /**
   * Fingerprints of what the run read: the episode video, the SHA-256 of the upstream marker file and of the
   * upstream stage's output files. Absent in
   * markers written before fingerprints existed.
   */
  fingerprints: z
    .object({
      video: videoFingerprintSchema.nullable(),
      upstream: z.partialRecord(z.enum(STAGES), z.string().regex(/^[0-9a-f]{64}$/)),
      /** The upstream stage's output files as this stage left them (file name to SHA-256, size, mtime). */
      artifacts: z.record(z.string(), fileFingerprintSchema).optional(),
    })
    .optional(),
  /** Named output counts, e.g. `{ detections: 812, tracks: 14 }`. */
  counts: z.record(z.string(), z.number()),
  /** True when the stage succeeded but produced no rows (e.g. no face in the video). */
  zero_rows: z.boolean(),
  /** Requested device and the ONNX Runtime execution providers in effect; null for stages without models. */
  device: z
    .object({ requested: z.enum(DEVICES), effective_providers: z.array(z.string()) })
    .nullable(),
  /** One-line error message when `status` is `error`. */
  error: z.string().nullable(),
  /** Wall time of the stage in seconds; null while running. */
  elapsed_s: z.number().min(0).nullable(),
});

/** Contents of a stage marker. */
export type Marker = z.infer<typeof markerSchema>;

function canonicalJson(value: unknown): string {
  const toJson = (value as { toJSON?: () => unknown } | null)?.toJSON;
  if (typeof toJson === 'function') {
    return canonicalJson(toJson.call(value));
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Hashes stage parameters independently of key order: sha256 of their canonical JSON (keys sorted at every level,
 * `undefined` members dropped), first 16 hex characters.
 * @param params - JSON-serialisable parameters
 * @returns 16 lower-case hex characters
 */
export function hashParams(params: unknown): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex').slice(0, 16);
}

/** What a stage knows when it starts. */
export interface MarkerStart {
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run id. */
  run_id: RunId;
  /** The stage. */
  stage: Stage;
  /** The stage's parameters. */
  params: Record<string, unknown>;
  /** Upstream stage to `marker_id` read. */
  inputs: Marker['inputs'];
  /** Requested device and providers in effect, or null. */
  device: Marker['device'];
  /** Input fingerprints (video, upstream markers). */
  fingerprints?: Marker['fingerprints'];
}

/**
 * Builds the marker of a stage run that starts now: a fresh `marker_id`, status `running`, `params_hash` computed.
 * @param start - ids, params, inputs and device
 * @param now - start time (default: the current time)
 * @returns the marker, to be written with `writeMarker`
 */
export function newMarker(start: MarkerStart, now: Date = new Date()): Marker {
  return {
    schema_version: 1,
    marker_id: randomUUID(),
    ...start,
    status: 'running',
    started_at: now.toISOString(),
    finished_at: null,
    params_hash: hashParams(start.params),
    counts: {},
    zero_rows: false,
    error: null,
    elapsed_s: null,
  };
}

/** How a stage run ended. */
export interface MarkerEnd {
  /** Final status. */
  status: Exclude<MarkerStatus, 'running'>;
  /** Named output counts. */
  counts?: Record<string, number>;
  /** True when the stage succeeded with no rows. Default false. */
  zero_rows?: boolean;
  /** One-line error message for `error`. */
  error?: string | null;
}

/**
 * Returns `marker` finished: status, `finished_at`, `elapsed_s` (from `started_at`), counts and error set.
 * @param marker - the running marker
 * @param end - how it ended
 * @param now - end time (default: the current time)
 * @returns a new marker object; `marker` is not changed
 */
export function finishMarker(marker: Marker, end: MarkerEnd, now: Date = new Date()): Marker {
  return {
    ...marker,
    status: end.status,
    finished_at: now.toISOString(),
    elapsed_s: Math.max(0, (now.getTime() - Date.parse(marker.started_at)) / 1000),
    counts: end.counts ?? marker.counts,
    zero_rows: end.zero_rows ?? false,
    error: end.error ?? null,
  };
}

/**
 * @param path - `runPaths(...).marker(stage)`
 * @returns the marker, or null when the stage never ran in this run
 * @throws AppError (`INTERNAL`) on a bad file or `schema_version`
 */
export function readMarker(path: string): Marker | null {
  return readJsonArtifact(path, markerSchema);
}

/**
 * Writes a marker atomically.
 * @param path - `runPaths(...).marker(stage)`
 * @param marker - the marker
 * @throws ZodError when `marker` does not match the schema
 */
export function writeMarker(path: string, marker: Marker): void {
  writeJsonArtifact(path, markerSchema, marker);
}
