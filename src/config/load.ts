/**
 * @module Builds the frozen Config from defaults, an optional JSON file, `SCREENALYTICS_*` env vars and overrides.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { ProfileName } from '../types.ts';
import { configSchema, type Config, type Profile } from './schema.ts';

/** A partial config, deep: what a file, the env or a caller may set. */
export type ConfigInput = Record<string, unknown>;

/** `a:b:c` (or `,`-separated) to its non-empty parts, trimmed. */
function splitList(v: string, sep: string): string[] {
  return v
    .split(sep)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

const ENV_KEYS: Record<string, (v: string) => ConfigInput> = {
  SCREENALYTICS_DATA_DIR: (v) => ({ data_dir: v }),
  SCREENALYTICS_MODELS_DIR: (v) => ({ models_dir: v }),
  SCREENALYTICS_DATABASE_URL: (v) => ({ database: { url: v } }),
  SCREENALYTICS_DATABASE_SCHEMA: (v) => ({ database: { schema: v } }),
  SCREENALYTICS_PROFILE: (v) => ({ profile: v }),
  SCREENALYTICS_DEVICE: (v) => ({ device: v }),
  SCREENALYTICS_MAX_CPU_THREADS: (v) => ({ max_cpu_threads: Number(v) }),
  SCREENALYTICS_DETECTOR: (v) => ({ detect: { detector: v } }),
  SCREENALYTICS_JOB_HEARTBEAT_S: (v) => ({ jobs: { heartbeat_s: Number(v) } }),
  SCREENALYTICS_JOB_STALL_S: (v) => ({ jobs: { stall_after_s: Number(v) } }),
  SCREENALYTICS_LOCAL_TIMEOUT_S: (v) => ({ jobs: { local_timeout_s: Number(v) } }),
  SCREENALYTICS_LOCAL_MAX_THREADS: (v) => ({ jobs: { local_max_threads: Number(v) } }),
  REDIS_URL: (v) => ({ jobs: { redis_url: v } }),
  SCREENALYTICS_QUEUE_NAME: (v) => ({ jobs: { queue_name: v } }),
  SCREENALYTICS_QUEUE_PREFIX: (v) => ({ jobs: { queue_prefix: v } }),
  SCREENALYTICS_WORKER_CONCURRENCY: (v) => ({ jobs: { worker_concurrency: Number(v) } }),
  SCREENALYTICS_WORKER_GRACE_S: (v) => ({ jobs: { worker_shutdown_grace_s: Number(v) } }),
  SCREENALYTICS_HOST: (v) => ({ api: { host: v } }),
  SCREENALYTICS_PORT: (v) => ({ api: { port: Number(v) } }),
  SCREENALYTICS_MEDIA_ROOTS: (v) => ({ api: { media_roots: splitList(v, ':') } }),
  SCREENALYTICS_PUBLIC_URLS: (v) => ({ api: { public_urls: splitList(v, ',') } }),
  SCREENALYTICS_ALLOWED_HOSTS: (v) => ({ api: { allowed_hosts: splitList(v, ',') } }),
  SCREENALYTICS_SESSION_SECRET: (v) => ({ api: { session_secret: v } }),
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: ConfigInput, b: ConfigInput): ConfigInput {
  const out: ConfigInput = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) {
      continue;
    }
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function deepFreeze<T>(obj: T): T {
  if (isObject(obj)) {
    for (const v of Object.values(obj)) {
      deepFreeze(v);
    }
    Object.freeze(obj);
  }
  return obj;
}

/**
 * Loads the configuration: schema defaults, then the JSON file named by `SCREENALYTICS_CONFIG`, then the
 * `SCREENALYTICS_*` variables, then `overrides` (CLI flags), validated with zod and deep-frozen.
 * @param overrides - values that win over everything else (e.g. `{ profile: 'low_power' }`)
 * @param env - environment to read (default: `process.env`)
 * @returns the frozen Config
 * @throws InputError (`INPUT_INVALID`) naming the bad field when a value is invalid or the file unreadable
 */
export function loadConfig(
  overrides: ConfigInput = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  let merged: ConfigInput = {};
  const file = env.SCREENALYTICS_CONFIG;
  if (file) {
    try {
      merged = deepMerge(merged, JSON.parse(readFileSync(file, 'utf8')) as ConfigInput);
    } catch (cause) {
      throw new InputError(
        `Cannot read config file ${file} (SCREENALYTICS_CONFIG): ${String(cause)}`,
        { cause },
      );
    }
  }
  for (const [key, toInput] of Object.entries(ENV_KEYS)) {
    const value = env[key];
    if (value !== undefined && value !== '') {
      merged = deepMerge(merged, toInput(value));
    }
  }
  merged = deepMerge(merged, overrides);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.join('.') || '(root)';
    throw new InputError(
      `Invalid config value for ${path}: ${first?.message ?? z.prettifyError(parsed.error)}; ` +
        'fix the command-line flag, the SCREENALYTICS_* variable or the SCREENALYTICS_CONFIG file that sets it',
    );
  }
  return deepFreeze(parsed.data);
}

/**
 * The effective settings of a profile: the named profile with `cpu_threads` capped by `max_cpu_threads`
 * (default: the machine's logical cores).
 * @param config - loaded config
 * @param name - profile name (default: `config.profile`)
 */
export function resolveProfile(
  config: Config,
  name: ProfileName = config.profile,
): Profile & { name: ProfileName } {
  const profile = config.profiles[name];
  const cap = config.max_cpu_threads ?? availableParallelism();
  return { ...profile, cpu_threads: Math.min(profile.cpu_threads, cap), name };
}
