/**
 * @module `source.json`: the registered video of an episode and its ffprobe summary.
 */
import { z } from 'zod';
import { readJsonArtifact, schemaVersionField, writeJsonArtifact } from './json-artifact.ts';

/** What ffprobe says about the video (first video stream). */
export const sourceProbeSchema = z.object({
  /** Path of the probed file. */
  path: z.string().min(1),
  /** File size in bytes. */
  size_bytes: z.number().int().min(0),
  /** Average frame rate, frames per second. */
  fps: z.number().positive(),
  /** Number of frames (counted or estimated from duration x fps). */
  frame_count: z.number().int().min(0),
  /** Duration in seconds. */
  duration_s: z.number().min(0),
  /** Frame width in pixels (display orientation). */
  width_px: z.number().int().positive(),
  /** Frame height in pixels (display orientation). */
  height_px: z.number().int().positive(),
  /** Codec name, e.g. `h264`. */
  codec: z.string(),
  /** Pixel format, e.g. `yuv420p`. */
  pix_fmt: z.string(),
});

/** ffprobe summary of a video. */
export type SourceProbe = z.infer<typeof sourceProbeSchema>;

/** `episodes/{ep_id}/source.json`. */
export const sourceSchema = z.object({
  schema_version: schemaVersionField,
  /** Episode id. */
  ep_id: z.string(),
  /** Path of the video as registered (absolute, or inside the data dir for uploads). */
  video_path: z.string().min(1),
  /** When the video was registered, ISO 8601 UTC. */
  registered_at: z.iso.datetime(),
  /** ffprobe summary. */
  probe: sourceProbeSchema,
});

/** Contents of `source.json`. */
export type SourceJson = z.infer<typeof sourceSchema>;

/**
 * @param path - `sourceJson(dataDir, epId)`
 * @returns the source, or null when the episode has none registered
 * @throws AppError (`INTERNAL`) on a bad file or `schema_version`
 */
export function readSource(path: string): SourceJson | null {
  return readJsonArtifact(path, sourceSchema);
}

/**
 * Writes `source.json` atomically.
 * @param path - `sourceJson(dataDir, epId)`
 * @param source - the source, `schema_version: 1`
 * @throws ZodError when `source` does not match the schema
 */
export function writeSource(path: string, source: SourceJson): void {
  writeJsonArtifact(path, sourceSchema, source);
}
