/**
 * @module Signed-in test clients of the in-process API: accounts made in the database (as `screenalytics user add`
 * does), sign-in through `POST /auth/sign-in` (the session cookie kept), API tokens, and a client that sends a
 * user's credentials with every `inject()` request. Once an account exists every request needs one.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { addUser, createToken } from '../../src/accounts/index.ts';
import type { UserRole } from '../../src/store/index.ts';
import { openTestDatabase } from './database.ts';

/** Password of every test account. */
export const PASSWORD = 'correct horse battery';

/** What answers `inject()` requests: the in-process API, or a client signed in to it. */
export interface Injector {
  /** Sends one request in process. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/**
 * Creates accounts directly in the database (this test run's engine, see test/helpers/database.ts).
 * @param dataDir - data directory
 * @param users - name to role
 * @throws Error when a name exists already
 */
export async function addUsers(dataDir: string, users: Record<string, UserRole>): Promise<void> {
  const db = await openTestDatabase(dataDir);
  try {
    for (const [name, role] of Object.entries(users)) {
      await addUser(db, { name, role, password: PASSWORD });
    }
  } finally {
    await db.close();
  }
}

/**
 * Signs in through the API.
 * @returns the `cookie` header to send with later requests
 * @throws Error when sign-in is not 200 or sets no session cookie
 */
export async function signIn(app: Injector, name: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/auth/sign-in',
    payload: { name, password },
  });
  if (res.statusCode !== 200) {
    throw new Error(`sign-in of ${name}: ${res.statusCode} ${res.body}`);
  }
  const cookie = res.cookies.find((c) => c.name === 'sa_session');
  if (!cookie) {
    throw new Error('no session cookie');
  }
  return `sa_session=${cookie.value}`;
}

/**
 * A new personal API token of a user, as `screenalytics user token NAME` makes it.
 * @returns the `authorization` header value (`Bearer TOKEN`)
 */
export async function bearerOf(dataDir: string, name: string): Promise<string> {
  const db = await openTestDatabase(dataDir);
  try {
    return `Bearer ${(await createToken(db, name, 'test')).token}`;
  } finally {
    await db.close();
  }
}

/**
 * @param app - the API
 * @param headers - credentials sent with every request (`cookie` or `authorization`); a request's own headers win
 * @returns a client sending them
 */
export function withHeaders(app: Injector, headers: Record<string, string>): Injector {
  return {
    inject: (opts) =>
      app.inject({ ...opts, headers: { ...headers, ...(opts.headers as Record<string, string>) } }),
  };
}

/**
 * Creates accounts and signs each in.
 * @param app - the API
 * @param dataDir - its data directory
 * @param users - name to role
 * @returns a signed-in client per name
 */
export async function signedIn<N extends string>(
  app: Injector,
  dataDir: string,
  users: Record<N, UserRole>,
): Promise<Record<N, Injector>> {
  await addUsers(dataDir, users);
  const out = {} as Record<N, Injector>;
  for (const name of Object.keys(users) as N[]) {
    out[name] = withHeaders(app, { cookie: await signIn(app, name) });
  }
  return out;
}

/**
 * Sends one JSON request over real HTTP (an API started with `screenalytics serve`) with credentials.
 * @param authorization - `Bearer TOKEN` (see {@link bearerOf})
 * @param method - HTTP method
 * @param url - full URL
 * @param body - JSON body
 * @returns the status and the parsed JSON answer (null when empty)
 */
export async function httpAs<T = Record<string, unknown>>(
  authorization: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
}
