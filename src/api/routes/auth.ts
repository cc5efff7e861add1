/**
 * @module Sign-in, sign-out, the caller, personal API tokens (own), user management and the audit log (admin). Passwords are
 * checked with argon2 (src/accounts); a failed sign-in says the same for an unknown name and a wrong password.
 */
import { z } from 'zod';
import { addUser, createToken, MAX_PASSWORD_CHARS, verifyPassword } from '../../accounts/index.ts';
import { AppError, InputError } from '../../errors.ts';
import {
  getPasswordHash,
  getUserByName,
  hasUsers,
  listApiTokens,
  listAudit,
  listUsers,
  removeUser,
  revokeApiToken,
  USER_ROLES,
} from '../../store/index.ts';
import type { AuthUser } from '../auth.ts';
import type { Me } from '../contract.ts';
import type { RouteDeps, ZodApp } from '../deps.ts';
import { makeSignInThrottle } from '../security/sign-in-throttle.ts';

const nameSchema = z.string().min(1).max(64);
const passwordSchema = z.string().min(1).max(MAX_PASSWORD_CHARS);
const tags = ['auth'];

const userView = (u: AuthUser | null): Me | null =>
  u ? { name: u.name, role: u.role, via: u.via } : null;

/** The signed-in account of a request; single-user and anonymous callers have none. */
function accountOf(user: AuthUser | null): AuthUser & { user_id: number } {
  if (!user || user.user_id === null) {
    throw new InputError(
      'Tokens belong to accounts: create one first (screenalytics user add NAME --role admin)',
    );
  }
  return user as AuthUser & { user_id: number };
}

/**
 * Registers the auth and user routes.
 * @param app - Fastify instance
 * @param deps - jobs context (database)
 */
export function authRoutes(app: ZodApp, { ctx }: RouteDeps): void {
  const { db } = ctx;
  const throttle = makeSignInThrottle();

  app.post(
    '/auth/sign-in',
    {
      schema: {
        tags,
        summary: 'Sign in with name and password: sets the HTTP-only session cookie',
        body: z.object({ name: nameSchema, password: passwordSchema }).strict(),
      },
      config: { role: 'public', action: 'sign in' },
    },
    async (request) => {
      const { name, password } = request.body;
      throttle.check(name, request.ip);
      const ok = await verifyPassword(await getPasswordHash(db, name), password);
      const user = ok ? await getUserByName(db, name) : null;
      if (!user) {
        throttle.fail(name, request.ip);
        throw new AppError('UNAUTHENTICATED', 401, 'Wrong user name or password');
      }
      throttle.succeed(name);
      await request.session.regenerate();
      request.session.user_id = user.user_id;
      return { user: { name: user.name, role: user.role, via: 'session' } };
    },
  );

  app.post(
    '/auth/sign-out',
    {
      schema: { tags, summary: 'End the browser session' },
      config: { role: 'public', action: 'sign out' },
    },
    async (_request, reply) => {
      await _request.session.destroy();
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      schema: { tags, summary: 'The caller, and whether the API runs single-user' },
      config: { role: 'public', action: 'read the caller' },
    },
    async (request) => ({ user: userView(request.user), single_user: !(await hasUsers(db)) }),
  );

  app.get(
    '/auth/tokens',
    {
      schema: { tags, summary: 'Your personal API tokens (never their values)' },
      config: { role: 'viewer', action: 'list your tokens' },
    },
    async (request) => ({ items: await listApiTokens(db, accountOf(request.user).user_id) }),
  );

  app.post(
    '/auth/tokens',
    {
      schema: {
        tags,
        summary: 'Create a personal API token; its value is in this answer only',
        body: z
          .object({ label: z.string().max(100).optional() })
          .strict()
          .optional(),
      },
      config: { role: 'viewer', action: 'create the token' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createToken(db, accountOf(request.user).name, request.body?.label ?? '')),
  );

  app.delete(
    '/auth/tokens/:token_id',
    {
      schema: {
        tags,
        summary: 'Revoke one of your tokens',
        params: z.object({ token_id: z.string().regex(/^tok_[0-9a-f]{12}$/) }),
      },
      config: { role: 'viewer', action: 'revoke the token' },
    },
    async (request, reply) => {
      await revokeApiToken(db, accountOf(request.user).user_id, request.params.token_id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/users',
    {
      schema: { tags, summary: 'Accounts (admin)' },
      config: { role: 'admin', action: 'list users' },
    },
    async () => ({ items: await listUsers(db) }),
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create an account (admin; the first one ends single-user mode)',
        body: z
          .object({ name: nameSchema, role: z.enum(USER_ROLES), password: passwordSchema })
          .strict(),
      },
      config: { role: 'admin', action: 'create the user' },
    },
    async (request, reply) => reply.code(201).send(await addUser(db, request.body)),
  );

  app.get(
    '/audit',
    {
      schema: {
        tags,
        summary: 'Newest state-changing requests with their user (admin)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }),
      },
      config: { role: 'admin', action: 'read the audit log' },
    },
    async (request) => ({ items: await listAudit(db, request.query.limit ?? 100) }),
  );

  app.delete(
    '/users/:name',
    {
      schema: {
        tags,
        summary: 'Remove an account (admin)',
        params: z.object({ name: nameSchema }),
      },
      config: { role: 'admin', action: 'remove the user' },
    },
    async (request, reply) => {
      await removeUser(db, request.params.name);
      return reply.code(204).send();
    },
  );
}
