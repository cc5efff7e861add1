/**
 * @module `screenalytics serve [--port 8000]`: the HTTP API (OpenAPI at /docs) until SIGINT or SIGTERM.
 */
import { buildServer } from '../../api/server.ts';
import type { Config } from '../../config/index.ts';

/** Options of `serve`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one (default: `config.api.port`). */
  port?: number;
  /** Interface to listen on (default: `config.api.host`). */
  host?: string;
}

/**
 * Serves the API; prints `listening on URL` once it accepts connections.
 * @param config - loaded config
 * @param opts - port and host
 * @param stop - resolves when the server should close (SIGINT/SIGTERM)
 */
export async function serveCommand(
  config: Config,
  opts: ServeOptions,
  stop: Promise<void>,
): Promise<void> {
  const app = await buildServer({ config, logger: { level: 'warn' } });
  const address = await app.listen({
    port: opts.port ?? config.api.port,
    host: opts.host ?? config.api.host,
  });
  process.stdout.write(
    `screenalytics API listening on ${address} (pid ${process.pid}; OpenAPI at ${address}/docs)\n`,
  );
  await stop;
  await app.close();
}
