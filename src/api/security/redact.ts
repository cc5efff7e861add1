/**
 * @module The config as `GET /config` serves it: secrets redacted (the session secret; the password of every URL:
 * `REDIS_URL`'s and `SCREENALYTICS_DATABASE_URL`'s).
 */
import type { Config } from '../../config/index.ts';

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/**
 * @param url - a URL that may hold `user:password@`
 * @returns it with the password replaced by `[redacted]` (unchanged when it has none or does not parse)
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') {
      return url;
    }
    u.password = 'REDACTED';
    return u.toString().replace(':REDACTED@', `:${REDACTED}@`);
  } catch {
    // Not a URL: no password to find; keep the whole value out rather than guess.
    return /@/.test(url) ? REDACTED : url;
  }
}

/**
 * @param config - the frozen config
 * @returns a copy safe to show: session secret and URL passwords redacted
 */
export function redactConfig(config: Config): Config {
  return {
    ...config,
    database: {
      ...config.database,
      ...(config.database.url === undefined ? {} : { url: redactUrl(config.database.url) }),
    },
    jobs: { ...config.jobs, redis_url: redactUrl(config.jobs.redis_url) },
    api: {
      ...config.api,
      ...(config.api.session_secret === undefined ? {} : { session_secret: REDACTED }),
    },
  };
}
