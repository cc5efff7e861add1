/**
 * @module Who may do what: every route carries the least role it needs in its `config.role` (set at registration;
 * a route that names none gets `viewer` for GET/HEAD, `admin` for DELETE, `reviewer` otherwise), and one onRequest
 * hook checks, in order, the Host header, the origin of state-changing browser requests, then the caller: a
 * `Authorization: Bearer` token or the session cookie. Once any account exists every request but the public ones
 * (sign-in, the web UI's files) needs one; with none, loopback clients act as the single local user (admin).
 * State-changing requests are written to the audit log with their user.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { FastifyRequest } from 'fastify';
import { tokenSha256 } from '../accounts/index.ts';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors.ts';
import {
  appendAudit,
  getUserById,
  hasUsers,
  userOfTokenHash,
  type Db,
  type UserRole,
} from '../store/index.ts';
import type { ZodApp } from './deps.ts';
import { allowedHostNames, checkHost, checkOrigin } from './security/host-origin.ts';
import { sessionSecret, databaseSessionStore } from './security/session-store.ts';

/** What a route may require: a role, or nothing (`public`: sign-in, the web UI's static files). */
export type RouteRole = UserRole | 'public';

/** The caller of a request. */
export interface AuthUser {
  /** User name (the single-user mode's: `review.default_reviewer`). */
  name: string;
  /** Role. */
  role: UserRole;
  /** `users.user_id`, null in single-user mode. */
  user_id: number | null;
  /** How the caller proved who it is. */
  via: 'session' | 'token' | 'single-user';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least role the route needs (see src/api/auth.ts). */
    role?: RouteRole;
    /** Verb phrase completing "Failed to ..." in 500 answers. */
    action?: string;
  }
  interface FastifyRequest {
    /** The caller, once the auth hook ran; null for an anonymous request to a public route. */
    user: AuthUser | null;
  }
}

/** Rank of each role: a role may do what every lower one may. */
const RANK: Record<UserRole, number> = { viewer: 0, reviewer: 1, admin: 2 };

/** The session cookie's name. */
export const SESSION_COOKIE = 'sa_session';

/** Static routes of the web UI (served to anyone, so that the sign-in page loads). */
const PUBLIC_STATIC = new Set(['/', '/*', '/ui/*']);

/**
 * Default role of a route that names none.
 * @param method - HTTP method(s) of the route
 * @param url - route path
 */
export function defaultRole(method: string | string[], url: string): RouteRole {
  const methods = Array.isArray(method) ? method : [method];
  if (methods.every((m) => m === 'GET' || m === 'HEAD')) {
    return PUBLIC_STATIC.has(url) ? 'public' : 'viewer';
  }
  return methods.includes('DELETE') ? 'admin' : 'reviewer';
}

const isLoopback = (ip: string): boolean =>
  ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');

/**
 * The caller of a request from its bearer token or session.
 * @returns the user, or null when the request carries neither
 * @throws AppError 401 for an unknown or revoked token, or a session whose user was removed
 */
async function callerOf(request: FastifyRequest, db: Db): Promise<AuthUser | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S{1,200})$/i.exec(header);
    const user = m ? await userOfTokenHash(db, tokenSha256(m[1]!)) : null;
    if (!user) {
      throw unauthenticated('The API token is unknown or revoked: create a new one');
    }
    return { name: user.name, role: user.role, user_id: user.user_id, via: 'token' };
  }
  const userId = request.session.user_id;
  if (userId === undefined) {
    return null;
  }
  const user = await getUserById(db, userId);
  if (!user) {
    await request.session.destroy();
    throw unauthenticated('Your account was removed: sign in with another one');
  }
  return { name: user.name, role: user.role, user_id: user.user_id, via: 'session' };
}

function unauthenticated(message: string): AppError {
  return new AppError('UNAUTHENTICATED', 401, message);
}

/**
 * Installs cookies, sessions, the route-role defaults, the one access hook and the audit log. Call before any
 * route or plugin that registers routes.
 * @param app - the Fastify instance (root)
 * @param deps - config and open database
 */
export async function installAuth(
  app: ZodApp,
  deps: { config: Config; db: Db; listenHost?: string },
): Promise<void> {
  const { config, db } = deps;
  const hosts = allowedHostNames(config, deps.listenHost);
  app.decorateRequest('user', null);
  app.addHook('onRoute', (route) => {
    const own = route.config?.role;
    route.config = { ...route.config, role: own ?? defaultRole(route.method, route.url) };
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: sessionSecret(config),
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    store: databaseSessionStore(db, config.api.session_max_age_s),
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      // Secure when every public URL is https (behind a TLS proxy); plain-http loopback could not send it back.
      secure:
        config.api.public_urls.length > 0 &&
        config.api.public_urls.every((u) => u.startsWith('https:')),
      maxAge: config.api.session_max_age_s * 1000,
    },
  });
  app.addHook('onRequest', async (request) => {
    checkHost(request, hosts);
    checkOrigin(request, config);
    const role = request.routeOptions.config.role ?? 'viewer';
    const caller = await callerOf(request, db);
    if (caller) {
      request.user = caller;
    } else if (isLoopback(request.ip) && !(await hasUsers(db))) {
      request.user = {
        name: config.review.default_reviewer,
        role: 'admin',
        user_id: null,
        via: 'single-user',
      };
    }
    if (role === 'public') {
      return;
    }
    if (!request.user) {
      throw unauthenticated(
        'Sign in first: POST /auth/sign-in, or send Authorization: Bearer TOKEN',
      );
    }
    if (RANK[request.user.role] < RANK[role]) {
      throw new AppError(
        'FORBIDDEN',
        403,
        `Your role ${request.user.role} may not ${request.routeOptions.config.action ?? 'do this'}: it needs ${role}; ask an admin`,
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.user && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      await appendAudit(db, {
        user_name: request.user.name,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
      });
    }
  });
}
