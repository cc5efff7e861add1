/**
 * @module Client of the auth routes: who the caller is, sign-in (sets the HTTP-only session cookie), sign-out.
 */
import type { ApiToken, CreatedToken, Me, MeAnswer } from '../../../src/api/contract.ts';
import { request } from '../api-client.ts';

export type { Me, MeAnswer };

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

/** @returns the caller's tokens */
export const listTokens = (): Promise<{ items: ApiToken[] }> => request('GET', '/auth/tokens');

/** @returns a new token with its value, shown once */
export const createToken = (label: string): Promise<CreatedToken> =>
  request('POST', '/auth/tokens', { label });

/** Revokes one of the caller's tokens. */
export const revokeToken = (tokenId: string): Promise<null> =>
  request('DELETE', `/auth/tokens/${tokenId}`);
