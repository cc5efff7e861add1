/**
 * @module Client of the auth routes: who the caller is, sign-in (sets the HTTP-only session cookie), sign-out.
 */
import { request } from '../api-client.ts';

/** A signed-in caller. */
export interface Me {
  /** User name. */
  name: string;
  /** Role: `viewer` reads, `reviewer` also edits and runs, `admin` also deletes and manages users. */
  role: 'viewer' | 'reviewer' | 'admin';
  /** How the caller is known: session cookie, API token, or the single local user. */
  via: 'session' | 'token' | 'single-user';
}

/** Answer of `GET /auth/me`. */
export interface MeAnswer {
  /** The caller, null when not signed in. */
  user: Me | null;
  /** True while no account exists (loopback single-user mode). */
  single_user: boolean;
}

/** @returns who the caller is */
export const getMe = (): Promise<MeAnswer> => request('GET', '/auth/me');

/**
 * Signs in; the server sets the session cookie.
 * @throws ApiError 401 for a wrong name or password
 */
export const signIn = (name: string, password: string): Promise<{ user: Me }> =>
  request('POST', '/auth/sign-in', { name, password });

/** Ends the session. */
export const signOut = (): Promise<null> => request('POST', '/auth/sign-out');

/** A personal API token as listed (never its value). */
export interface ApiTokenView {
  /** Public id, used to revoke it. */
  token_id: string;
  /** What it is for. */
  label: string;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Last use, ISO 8601 UTC, or null. */
  last_used_at: string | null;
}

/** @returns the caller's tokens */
export const listTokens = (): Promise<{ items: ApiTokenView[] }> => request('GET', '/auth/tokens');

/** @returns a new token with its value, shown once */
export const createToken = (label: string): Promise<ApiTokenView & { token: string }> =>
  request('POST', '/auth/tokens', { label });

/** Revokes one of the caller's tokens. */
export const revokeToken = (tokenId: string): Promise<null> =>
  request('DELETE', `/auth/tokens/${tokenId}`);
