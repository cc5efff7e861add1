/**
 * @module Accounts in the database: users with a role and a password hash, personal API tokens (only their SHA-256
 * is kept), browser sessions and the audit log of state-changing requests. Each state change is one statement or
 * one transaction; hashing happens in the caller (src/accounts), never here.
 */
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import type { Db } from './open.ts';

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

const USER_COLUMNS = 'user_id, name, role, created_at, updated_at';

/** @returns true once at least one account exists (the API then requires a session or token everywhere) */
export function hasUsers(db: Db): boolean {
  return db.prepare('SELECT EXISTS (SELECT 1 FROM users)').pluck().get() === 1;
}

/** @returns every user by name */
export function listUsers(db: Db): User[] {
  return db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`).all() as User[];
}

/** @returns the user of that name, or null */
export function getUserByName(db: Db, name: string): User | null {
  return (db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`).get(name) as User) ?? null;
}

/** @returns the user of that id, or null */
export function getUserById(db: Db, userId: number): User | null {
  return (
    (db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE user_id = ?`).get(userId) as User) ?? null
  );
}

/** @returns the stored password hash (PHC string) of a user, or null when there is no such user */
export function getPasswordHash(db: Db, name: string): string | null {
  return (
    (db.prepare('SELECT password_hash FROM users WHERE name = ?').pluck().get(name) as string) ??
    null
  );
}

/**
 * Creates a user.
 * @param db - open database
 * @param input - name (see parseUserName), role, password hash (PHC string from src/accounts)
 * @returns the new user
 * @throws InputError for a bad name; ConflictError (409) when the name is taken
 */
export function createUser(
  db: Db,
  input: { name: string; role: UserRole; passwordHash: string },
): User {
  const name = parseUserName(input.name);
  const now = new Date().toISOString();
  try {
    db.prepare(
      `INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(name, input.role, input.passwordHash, now, now);
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new ConflictError(`User ${name} exists already: pick another name or remove it first`);
    }
    throw err;
  }
  return getUserByName(db, name)!;
}

/**
 * Removes a user with its tokens and sessions (cascade).
 * @throws NotFoundError when there is no such user
 */
export function removeUser(db: Db, name: string): void {
  if (db.prepare('DELETE FROM users WHERE name = ?').run(name).changes === 0) {
    throw new NotFoundError(`No user ${name}: see screenalytics user list`);
  }
}

/**
 * Stores a new token's SHA-256 (hex).
 * @param db - open database
 * @param input - public id, owner, SHA-256 hex of the secret, label
 * @returns the token as listed
 */
export function insertApiToken(
  db: Db,
  input: { tokenId: string; userId: number; sha256: string; label?: string },
): ApiToken {
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO api_tokens (token_id, user_id, token_sha256, label, created_at) VALUES (?, ?, ?, ?, ?)`,
  ).run(input.tokenId, input.userId, input.sha256, input.label ?? '', now);
  return {
    token_id: input.tokenId,
    user_id: input.userId,
    label: input.label ?? '',
    created_at: now,
    last_used_at: null,
  };
}

/**
 * Finds the owner of a token by the token's SHA-256 and records the use.
 * @returns the user, or null for an unknown (or revoked) token
 */
export function userOfTokenHash(db: Db, sha256: string): User | null {
  const row = db
    .prepare('SELECT token_id, user_id FROM api_tokens WHERE token_sha256 = ?')
    .get(sha256) as { token_id: string; user_id: number } | undefined;
  if (!row) {
    return null;
  }
  db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?').run(
    new Date().toISOString(),
    row.token_id,
  );
  return getUserById(db, row.user_id);
}

/** @returns the user's tokens, newest first (never their values) */
export function listApiTokens(db: Db, userId: number): ApiToken[] {
  return db
    .prepare(
      `SELECT token_id, user_id, label, created_at, last_used_at FROM api_tokens
       WHERE user_id = ? ORDER BY created_at DESC`,
    )
    .all(userId) as ApiToken[];
}

/**
 * Revokes a token of a user.
 * @throws NotFoundError when the user has no such token
 */
export function revokeApiToken(db: Db, userId: number, tokenId: string): void {
  const res = db
    .prepare('DELETE FROM api_tokens WHERE token_id = ? AND user_id = ?')
    .run(tokenId, userId);
  if (res.changes === 0) {
    throw new NotFoundError(`No token ${tokenId} of this user: list them with GET /auth/tokens`);
  }
}

/** @returns the session's JSON data when it exists and has not expired, else null */
export function getSessionData(db: Db, sid: string, now = new Date()): string | null {
  return (
    (db
      .prepare('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?')
      .pluck()
      .get(sid, now.toISOString()) as string) ?? null
  );
}

/**
 * Creates or replaces a session; expired sessions are pruned on the way.
 * @param db - open database
 * @param row - session id, signed-in user (null before sign-in), JSON data, expiry (ISO 8601 UTC)
 */
export function putSession(
  db: Db,
  row: { sid: string; userId: number | null; data: string; expiresAt: string },
): void {
  db.transaction(() => {
    db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(new Date().toISOString());
    db.prepare(
      `INSERT INTO sessions (sid, user_id, data, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (sid) DO UPDATE SET user_id = excluded.user_id, data = excluded.data,
         expires_at = excluded.expires_at`,
    ).run(row.sid, row.userId, row.data, row.expiresAt);
  })();
}

/** Deletes a session (sign-out); nothing when it is gone already. */
export function deleteSession(db: Db, sid: string): void {
  db.prepare('DELETE FROM sessions WHERE sid = ?').run(sid);
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
export function appendAudit(db: Db, entry: AuditEntry): void {
  db.prepare(
    'INSERT INTO audit_log (at, user_name, method, url, status) VALUES (?, ?, ?, ?, ?)',
  ).run(
    new Date().toISOString(),
    entry.user_name,
    entry.method,
    entry.url.slice(0, 512),
    entry.status,
  );
}

/** @returns the newest `limit` audit entries, newest first */
export function listAudit(db: Db, limit = 100): (AuditEntry & { at: string })[] {
  return db
    .prepare('SELECT at, user_name, method, url, status FROM audit_log ORDER BY seq DESC LIMIT ?')
    .all(limit) as (AuditEntry & { at: string })[];
}
