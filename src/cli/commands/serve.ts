/**
 * @module `screenalytics serve [--port 8000]`: the HTTP API (OpenAPI at /docs) until SIGINT or SIGTERM. Without any
 * account it serves loopback only, as the single local user, and says so; on another address it refuses to start.
 */
import { allowedHostNames } from '../../api/security/host-origin.ts';
import { buildServer } from '../../api/server.ts';
import type { Config } from '../../config/index.ts';
import { InputError } from '../../errors.ts';
import { announceAtStart } from '../../jobs/index.ts';
import { hasUsers, openDatabase } from '../../store/index.ts';

/** Addresses that only this machine can reach. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Options of `serve`. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one (default: `config.api.port`). */
  port?: number;
  /** Interface to listen on (default: `config.api.host`). */
  host?: string;
}

/**
 * Serves the API; prints `listening on URL` once it accepts connections, then whether it runs with accounts or
 * single-user.
 * @param config - loaded config
 * @param opts - port and host
 * @param stop - resolves when the server should close (SIGINT/SIGTERM)
 * @throws InputError when no account exists and the host is not a loopback address
 */
export async function serveCommand(
  config: Config,
  opts: ServeOptions,
  stop: Promise<void>,
): Promise<void> {
  const host = opts.host ?? config.api.host;
  const db = await openDatabase(config.data_dir, config.database);
  const accounts = await hasUsers(db);
  if (!accounts && !LOOPBACK_HOSTS.has(host)) {
    await db.close();
    throw new InputError(
      `No account exists, so the API may only listen on loopback, not ${host}: create one with ` +
        '`screenalytics user add NAME --role admin` (password on standard input), then serve again',
    );
  }
  // The instance marker tells workers on other hosts whether their data directory is this one.
  try {
    await announceAtStart(config, db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const app = await buildServer({ config, db, logger: { level: 'warn' }, listenHost: host });
  app.addHook('onClose', () => db.close());
  const address = await app.listen({ port: opts.port ?? config.api.port, host });
  process.stdout.write(
    `screenalytics API listening on ${address} (pid ${process.pid}; OpenAPI at ${address}/docs)\n`,
  );
  const names = [...allowedHostNames(config, host)].join(', ');
  process.stdout.write(
    `Host names accepted: ${names} (more: SCREENALYTICS_ALLOWED_HOSTS or SCREENALYTICS_PUBLIC_URLS)\n`,
  );
  process.stdout.write(
    accounts
      ? 'accounts: every request needs a session (sign in) or Authorization: Bearer TOKEN\n'
      : 'single-user mode: no account exists, so loopback clients act as the one local admin; ' +
          'add accounts with `screenalytics user add NAME --role admin`\n',
  );
  await stop;
  await app.close();
}
