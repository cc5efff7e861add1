/**
 * @module Browser checks made on every request, accounts or not: the Host header must name this API (DNS
 * rebinding gets 421), and a state-changing request from a browser must come from one of its origins (CSRF gets
 * 403). A request with neither `Origin` nor `Sec-Fetch-Site` is a non-browser client (curl, a script) and passes.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/index.ts';
import { AppError } from '../../errors.ts';

/** Methods that change nothing (no CSRF check). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Host names always accepted: loopback. */
const LOOPBACK = ['localhost', '127.0.0.1', '::1', '[::1]'];

/**
 * @param hostHeader - the `Host` header (`name:port`, `[v6]:port`)
 * @returns the lower-case name without port and brackets, or null when malformed
 */
export function hostNameOf(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(h) ?? /^([a-z0-9.-]+)(?::\d+)?$/.exec(h);
  return m?.[1] ?? null;
}

/**
 * The host names the Host header may carry.
 * @param config - `api.allowed_hosts`, `api.public_urls`, `api.host`
 * @param listenHost - the address `serve` listens on, when known
 * @returns lower-case names without brackets
 */
export function allowedHostNames(config: Config, listenHost?: string): Set<string> {
  const names = new Set([...LOOPBACK, ...config.api.allowed_hosts].map((h) => h.toLowerCase()));
  for (const url of config.api.public_urls) {
    names.add(new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase());
  }
  for (const h of [config.api.host, listenHost]) {
    if (h !== undefined && h !== '0.0.0.0' && h !== '::') {
      names.add(h.replace(/^\[|\]$/g, '').toLowerCase());
    }
  }
  return names;
}

/**
 * Checks the Host header.
 * @throws AppError 421 (`MISDIRECTED`) when the name is not one of `allowed`, 400 when absent or malformed
 */
export function checkHost(request: FastifyRequest, allowed: Set<string>): void {
  const header = request.headers.host;
  const name = header === undefined ? null : hostNameOf(header);
  if (name === null) {
    throw new AppError('INPUT_INVALID', 400, 'Missing or malformed Host header');
  }
  if (!allowed.has(name)) {
    throw new AppError(
      'MISDIRECTED',
      421,
      `Host ${name} is not a name of this API: add it to SCREENALYTICS_ALLOWED_HOSTS or SCREENALYTICS_PUBLIC_URLS`,
    );
  }
}

/**
 * Checks that a state-changing browser request is same-origin: its `Origin` is `{protocol}://{Host}` of the request
 * itself (whose Host passed checkHost) or the origin of a configured public URL; without `Origin`, `Sec-Fetch-Site`
 * must be `same-origin` or `none`.
 * @throws AppError 403 (`FORBIDDEN`) for a cross-site request
 */
export function checkOrigin(request: FastifyRequest, config: Config): void {
  if (SAFE_METHODS.has(request.method)) {
    return;
  }
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  if (origin === undefined) {
    if (fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none') {
      return;
    }
    throw crossSite(`Sec-Fetch-Site ${String(fetchSite)}`);
  }
  const own = `${request.protocol}://${(request.headers.host ?? '').toLowerCase()}`;
  const allowed = new Set([own, ...config.api.public_urls.map((u) => new URL(u).origin)]);
  if (!allowed.has(origin.toLowerCase())) {
    throw crossSite(`Origin ${origin.slice(0, 200)}`);
  }
}

function crossSite(what: string): AppError {
  return new AppError(
    'FORBIDDEN',
    403,
    `Cross-site request refused (${what}): use the web UI of this API, or list its URL in SCREENALYTICS_PUBLIC_URLS`,
  );
}
