/**
 * @module The server's config over HTTP: `GET /config`, the whole effective config with secrets redacted, for an
 * admin (paths, Redis address, limits); `GET /config/ui`, the few defaults the web UI reads, for anyone signed in.
 */
import type { Config } from '../../config/index.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { redactConfig } from '../security/redact.ts';

/**
 * The defaults the web UI needs: the default profile and device, every profile (stride, tiles, cpu threads: the
 * heavy-run warning), the local-mode thread cap, and the auto-group similarity (Faces Review's low-cohesion mark).
 */
export interface UiConfig {
  /** Default profile. */
  profile: Config['profile'];
  /** Default device. */
  device: Config['device'];
  /** Every profile by name. */
  profiles: Config['profiles'];
  /** Jobs: the cpu threads cap of local mode. */
  jobs: Pick<Config['jobs'], 'local_max_threads'>;
  /** Review: least average cosine similarity of an auto-group (-1..1). */
  review: Pick<Config['review'], 'auto_group_min_similarity'>;
}

/**
 * @param config - the frozen config
 * @returns what `GET /config/ui` serves
 */
export function uiConfigOf(config: Config): UiConfig {
  return {
    profile: config.profile,
    device: config.device,
    profiles: config.profiles,
    jobs: { local_max_threads: config.jobs.local_max_threads },
    review: { auto_group_min_similarity: config.review.auto_group_min_similarity },
  };
}

/**
 * Registers `GET /config` (admin) and `GET /config/ui` (viewer).
 * @param app - Fastify instance
 * @param deps - jobs context (its config)
 */
export function configRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const tags = ['config'];
  app.get(
    '/config',
    {
      schema: { tags, summary: 'The effective config (every default), secrets redacted; admin' },
      config: { role: 'admin', action: 'read the config' },
    },
    () => redactConfig(ctx.config),
  );
  app.get(
    '/config/ui',
    {
      schema: {
        tags,
        summary: 'The defaults the web UI reads (profiles, device, local thread cap)',
      },
      config: { action: 'read the UI defaults' },
    },
    () => uiConfigOf(ctx.config),
  );
}
