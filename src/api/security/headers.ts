/**
 * @module Security headers through `@fastify/helmet`: a CSP that lets the built web UI (its own scripts, Mantine's
 * inline styles, blob: and data: images, the episode video and blob: media) work and nothing else load, no
 * framing (`frame-ancestors 'none'`), `nosniff`, `Referrer-Policy: same-origin`.
 */
import helmet from '@fastify/helmet';
import type { ZodApp } from '../deps.ts';

/** The Content-Security-Policy directives. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Registers helmet on the root instance (every route, the web UI's files and errors included).
 * @param app - the Fastify instance
 */
export async function installSecurityHeaders(app: ZodApp): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    referrerPolicy: { policy: 'same-origin' },
    // Plain-http loopback is the common case: no HSTS, which a browser would pin for localhost.
    strictTransportSecurity: false,
  });
}
