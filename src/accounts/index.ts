/**
 * @module Accounts: password hashing and API tokens, used by the API (sign-in, bearer tokens) and the CLI
 * (`screenalytics user`). The rows live in the store (users.repo.ts).
 */
export {
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  hashPassword,
  verifyPassword,
} from './passwords.ts';
export { makeToken, tokenSha256, type NewToken } from './tokens.ts';
export { addUser, createToken, type CreatedToken } from './service.ts';
