/**
 * @module Accounts in the database: users with a role and a password hash, personal API tokens (only their SHA-256
 * is kept), browser sessions and the audit log of state-changing requests. Each state change is one statement or
 * one transaction; hashing happens in the caller (src/accounts), never here.
 */
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import { transact, type Db } from './open.ts';

/** Roles, from least to most allowed. */
export const USER_ROLES = ['viewer', 'reviewer', 'admin'] as const;

/** A user's role: `viewer` reads and exports, `reviewer` also runs and edits, `admin` also manages and deletes. */
export type UserRole = (typeof USER_ROLES)[number];

/** A `users` row without its password hash. */
export interface User {
  /** Row id. */
  user_id: number;
  /** Sign-in name, unique. */
  name: string;
  /** Role. */
  role: UserRole;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Last change, ISO 8601 UTC. */
  updated_at: string;
}

/** A personal API token as listed (never its value). */
export interface ApiToken {
  /** Public id of the token (`tok_…`), used to revoke it. */
  token_id: string;
  /** Owner. */
  user_id: number;
  /** Free text given at creation. */
  label: string;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Last use, ISO 8601 UTC, or null. */
  last_used_at: string | null;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * @param name - candidate user name
 * @returns `name`
 * @throws InputError (`INPUT_INVALID`) unless it is 1..64 letters, digits, `.`, `_` or `-`, starting with a letter
 *   or digit
 */
export function parseUserName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new InputError(
      `Invalid user name ${JSON.stringify(name.slice(0, 80))}: use 1-64 letters, digits, ., _ or -, e.g. alice`,
    );
  }
  return name;
}

const USER_COLUMNS = ['user_id', 'name', 'role', 'created_at', 'updated_at'] as const;

/** @returns true once at least one account exists (the API then requires a session or token everywhere) */
export async function hasUsers(db: Db): Promise<boolean> {
  const row = await db.q.selectFrom('users').select('user_id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** @returns every user by name */
export async function listUsers(db: Db): Promise<User[]> {
  return (await db.q.selectFrom('users').select(USER_COLUMNS).orderBy('name').execute()) as User[];
}

/** @returns the user of that name, or null */
export async function getUserByName(db: Db, name: string): Promise<User | null> {
  const row = await db.q
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('name', '=', name)
    .executeTakeFirst();
  return (row as User | undefined) ?? null;
}

/** @returns the user of that id, or null */
export async function getUserById(db: Db, userId: number): Promise<User | null> {
  const row = await db.q
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (row as User | undefined) ?? null;
}

/** @returns the stored password hash (PHC string) of a user, or null when there is no such user */
export async function getPasswordHash(db: Db, name: string): Promise<string | null> {
  const row = await db.q
    .selectFrom('users')
    .select('password_hash')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}

/**
 * Creates a user (one statement).
 * @param db - open database
 * @param input - name (see parseUserName), role, password hash (PHC string from src/accounts)
 * @returns the new user
 * @throws InputError for a bad name; ConflictError (409) when the name is taken
 */
export async function createUser(
  db: Db,
  input: { name: string; role: UserRole; passwordHash: string },
): Promise<User> {
  const name = parseUserName(input.name);
  const now = new Date().toISOString();
  const row = await db.q
    .insertInto('users')
    .values({
      name,
      role: input.role,
      password_hash: input.passwordHash,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  if (row === undefined) {
    throw new ConflictError(`User ${name} exists already: pick another name or remove it first`);
  }
  return row as User;
}

/**
 * Removes a user with its tokens and sessions (cascade).
 * @throws NotFoundError when there is no such user
 */
export async function removeUser(db: Db, name: string): Promise<void> {
  const { numDeletedRows } = await db.q
    .deleteFrom('users')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  if (numDeletedRows === 0n) {
    throw new NotFoundError(`No user ${name}: see screenalytics user list`);
  }
}

/**
 * Stores a new token's SHA-256 (hex).
 * @param db - open database
 * @param input - public id, owner, SHA-256 hex of the secret, label
 * @returns the token as listed
 */
export async function insertApiToken(
  db: Db,
  input: { tokenId: string; userId: number; sha256: string; label?: string },
): Promise<ApiToken> {
  const token: ApiToken = {
    token_id: input.tokenId,
    user_id: input.userId,
    label: input.label ?? '',
    created_at: new Date().toISOString(),
    last_used_at: null,
  };
  await db.q
    .insertInto('api_tokens')
    .values({ ...token, token_sha256: input.sha256 })
    .execute();
  return token;
}

/**
 * Finds the owner of a token by the token's SHA-256 and records the use (`last_used_at = now`, one statement).
 * @returns the user, or null for an unknown (or revoked) token
 */
export async function userOfTokenHash(db: Db, sha256: string): Promise<User | null> {
  const row = await db.q
    .updateTable('api_tokens')
    .set({ last_used_at: new Date().toISOString() })
    .where('token_sha256', '=', sha256)
    .returning('user_id')
    .executeTakeFirst();
  return row === undefined ? null : getUserById(db, row.user_id);
}

/** @returns the user's tokens, newest first (never their values) */
export async function listApiTokens(db: Db, userId: number): Promise<ApiToken[]> {
  return db.q
    .selectFrom('api_tokens')
    .select(['token_id', 'user_id', 'label', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Revokes a token of a user.
 * @throws NotFoundError when the user has no such token
 */
export async function revokeApiToken(db: Db, userId: number, tokenId: string): Promise<void> {
  const { numDeletedRows } = await db.q
    .deleteFrom('api_tokens')
    .where('token_id', '=', tokenId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  if (numDeletedRows === 0n) {
    throw new NotFoundError(`No token ${tokenId} of this user: list them with GET /auth/tokens`);
  }
}

/** @returns the session's JSON data when it exists and has not expired, else null */
export async function getSessionData(
  db: Db,
  sid: string,
  now = new Date(),
): Promise<string | null> {
  const row = await db.q
    .selectFrom('sessions')
    .select('data')
    .where('sid', '=', sid)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row?.data ?? null;
}

/**
 * Creates or replaces a session; expired sessions are pruned on the way (one transaction).
 * @param db - open database
 * @param row - session id, signed-in user (null before sign-in), JSON data, expiry (ISO 8601 UTC)
 */
export async function putSession(
  db: Db,
  row: { sid: string; userId: number | null; data: string; expiresAt: string },
): Promise<void> {
  await transact(db, async (tx) => {
    await tx.q.deleteFrom('sessions').where('expires_at', '<=', new Date().toISOString()).execute();
    await tx.q
      .insertInto('sessions')
      .values({ sid: row.sid, user_id: row.userId, data: row.data, expires_at: row.expiresAt })
      .onConflict((oc) =>
        oc.column('sid').doUpdateSet((eb) => ({
          user_id: eb.ref('excluded.user_id'),
          data: eb.ref('excluded.data'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      )
      .execute();
  });
}

/** Deletes a session (sign-out); nothing when it is gone already. */
export async function deleteSession(db: Db, sid: string): Promise<void> {
  await db.q.deleteFrom('sessions').where('sid', '=', sid).execute();
}

/** One audit-log entry: a state-changing request and who made it. */
export interface AuditEntry {
  /** Signed-in user (or the single-user name). */
  user_name: string;
  /** HTTP method. */
  method: string;
  /** Path and query, cut to 512 characters. */
  url: string;
  /** HTTP status answered. */
  status: number;
}

/** Appends one entry to the audit log. */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.q
    .insertInto('audit_log')
    .values({
      at: new Date().toISOString(),
      user_name: entry.user_name,
      method: entry.method,
      url: entry.url.slice(0, 512),
      status: entry.status,
    })
    .execute();
}

/** @returns the newest `limit` audit entries, newest first */
export async function listAudit(db: Db, limit = 100): Promise<(AuditEntry & { at: string })[]> {
  return db.q
    .selectFrom('audit_log')
    .select(['at', 'user_name', 'method', 'url', 'status'])
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
}
