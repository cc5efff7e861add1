/**
 * @module Personal API tokens: `sa_<id>_<secret>`, 32 random bytes of secret (base64url). Only the SHA-256 of the
 * whole token is stored, so a database leak reveals no usable token; the token is shown once, at creation.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A freshly made token. */
export interface NewToken {
  /** Public id (`tok_…`), listed and used to revoke it. */
  tokenId: string;
  /** The token to give the user, once. */
  token: string;
  /** SHA-256 hex of `token`, what the database keeps. */
  sha256: string;
}

/** @returns a new random token with its id and hash */
export function makeToken(): NewToken {
  const tokenId = `tok_${randomBytes(6).toString('hex')}`;
  const token = `sa_${tokenId.slice(4)}_${randomBytes(32).toString('base64url')}`;
  return { tokenId, token, sha256: tokenSha256(token) };
}

/** @returns SHA-256 hex of a presented token (what userOfTokenHash looks up) */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
