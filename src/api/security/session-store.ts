/**
 * @module Browser sessions for `@fastify/session`: kept in the database (so sign-out and user removal end them on
 * every API process sharing it), and the secret that signs their cookie.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { Config } from '../../config/index.ts';
import { deleteSession, getSessionData, putSession, type Db } from '../../store/index.ts';

/** Session data this API keeps: the signed-in user. */
declare module 'fastify' {
  interface Session {
    /** `users.user_id` of the signed-in user. */
    user_id?: number;
  }
}

/**
 * A session store over the `sessions` table. Each operation is async; its outcome (or error) goes to the callback
 * of `@fastify/session`.
 * @param db - open database
 * @param maxAgeS - lifetime of a session without an explicit cookie expiry, in seconds
 * @returns the store
 */
export function databaseSessionStore(db: Db, maxAgeS: number): SessionStore {
  return {
    set(sid, session, done) {
      settle(async () => {
        const expires = (session.cookie as { expires?: Date | string | null }).expires;
        const expiresAt = expires
          ? new Date(expires).toISOString()
          : new Date(Date.now() + maxAgeS * 1000).toISOString();
        const data = JSON.stringify(session);
        await putSession(db, { sid, userId: session.user_id ?? null, data, expiresAt });
      }, done);
    },
    get(sid, done) {
      settle(async () => {
        const data = await getSessionData(db, sid);
        return data === null ? null : (JSON.parse(data) as Session);
      }, done);
    },
    destroy(sid, done) {
      settle(() => deleteSession(db, sid), done);
    },
  };
}

/**
 * Runs `work` and hands its result, or its error, to a node-style callback (called once).
 * @param work - the async operation
 * @param done - the store callback
 */
function settle<T>(work: () => Promise<T>, done: (err: unknown, result?: T) => void): void {
  work().then(
    (result) => done(null, result),
    (err: unknown) => done(err),
  );
}

/**
 * The secret signing the session cookie: `api.session_secret`, else the one kept in
 * `{data_dir}/secrets/session-secret` (48 random bytes, created with mode 0600 on first use).
 * @param config - loaded config
 * @returns a string of 32 characters or more
 */
export function sessionSecret(config: Config): string {
  if (config.api.session_secret !== undefined) {
    return config.api.session_secret;
  }
  const dir = join(config.data_dir, 'secrets');
  const path = join(dir, 'session-secret');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // Another process (or an earlier start) made it: read that one.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw err;
    }
  }
  return readFileSync(path, 'utf8').trim();
}
