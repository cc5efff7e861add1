/**
 * @module Zod schemas of the API's path parameters and request bodies: the one definition of each, used for
 * validation and for the OpenAPI document.
 */
import { z } from 'zod';
import { EXECUTION_MODES, parseEpisodeId, parseRunId } from '../store/index.ts';
import { DEVICES, PROFILES, STAGES } from '../types.ts';

function accepts(parse: (s: string) => unknown): (s: string) => boolean {
  return (s) => {
    try {
      parse(s);
      return true;
    } catch {
      // The parser's InputError means "not valid"; zod reports it with the field's path.
      return false;
    }
  };
}

/** `ep_id`: `{show}-s{SS}e{EE}` in lower case (no path characters). */
export const epIdSchema = z
  .string()
  .refine(accepts(parseEpisodeId), {
    message: 'expected {show}-s{SS}e{EE} in lower case, e.g. fotb-s01e11',
  })
  .describe('Episode id, e.g. fotb-s01e11');

/** `run_id`: `run-{YYYYMMDD}-{HHMMSS}-{xxxx}`. */
export const runIdSchema = z
  .string()
  .refine(accepts(parseRunId), { message: 'expected run-{YYYYMMDD}-{HHMMSS}-{xxxx}' })
  .describe('Run id, e.g. run-20261121-065400-ab12');

/** A stage name. */
export const stageSchema = z.enum(STAGES).describe('Pipeline stage');

/** A job id. */
export const jobIdSchema = z
  .string()
  .regex(/^job-[0-9a-f-]{36}$/, 'expected job-<uuid>')
  .describe('Job id returned by POST /jobs/{stage}');

/** `{ep_id}` path parameter. */
export const epParams = z.object({ ep_id: epIdSchema });

/** Query of `GET /episodes/{ep_id}/logs/{stage}`: how many jobs. */
export const logsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(20) });

/** Query of `GET /episodes/{ep_id}/status`: which run. */
export const statusQuery = z.object({ run_id: runIdSchema.optional() });

/** How a stage runs: profile, device, mode. */
export const runOptionsSchema = z.object({
  profile: z.enum(PROFILES).optional().describe('Profile; default: the config profile'),
  device: z.enum(DEVICES).optional().describe('ONNX Runtime device; default: the config device'),
  allow_cpu_fallback: z.boolean().optional().describe('Run on CPU when the device is unavailable'),
  execution_mode: z
    .enum(EXECUTION_MODES)
    .optional()
    .describe(
      'local: the request waits for the stage; redis: queued. Default: redis when Redis answers, else local',
    ),
});

/** Body of `POST /jobs/{stage}`. */
export const jobBodySchema = runOptionsSchema
  .extend({
    ep_id: epIdSchema,
    run_id: runIdSchema
      .optional()
      .describe('Run to write into; default: the latest run (new for detect_track)'),
  })
  .strict();

/** Body of `POST /episodes/{ep_id}/stages/{stage}/resume`. */
export const resumeBodySchema = runOptionsSchema.strict();

/** Body of `POST /episodes`. */
export const episodeBodySchema = z
  .object({
    show: z.string().min(1).max(100).describe('Show name (at most 100 characters)'),
    season: z.number().int().min(0).max(99),
    episode: z.number().int().min(0).max(999),
    title: z.string().max(200).optional().describe('Title (at most 200 characters)'),
    video_path: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('A video file on the server; or upload to /episodes/{ep_id}/video'),
  })
  .strict();

/**
 * Maps a validated job body to the jobs layer's request.
 * @param body - run options (and ids)
 * @returns the request fields in camelCase
 */
export function toJobRequest(body: z.infer<typeof runOptionsSchema>): {
  profile?: (typeof PROFILES)[number];
  device?: (typeof DEVICES)[number];
  allowCpuFallback?: boolean;
  executionMode?: (typeof EXECUTION_MODES)[number];
} {
  return {
    profile: body.profile,
    device: body.device,
    allowCpuFallback: body.allow_cpu_fallback,
    executionMode: body.execution_mode,
  };
}
