/**
 * @module Password hashing with argon2id (`@node-rs/argon2`, its defaults: 19 MiB memory, 2 passes), stored as a
 * PHC string that carries its own salt and parameters.
 */
import { hash, verify } from '@node-rs/argon2';
import { InputError } from '../errors.ts';

/** Shortest accepted password, in characters. */
export const MIN_PASSWORD_CHARS = 8;
/** Longest accepted password, in characters (argon2 takes any length; this bounds the work per sign-in). */
export const MAX_PASSWORD_CHARS = 256;

/**
 * @param password - the new password
 * @returns its argon2id PHC string
 * @throws InputError when it is shorter than 8 or longer than 256 characters
 */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
    throw new InputError(
      `Password must have ${MIN_PASSWORD_CHARS}-${MAX_PASSWORD_CHARS} characters: choose another one`,
    );
  }
  return hash(password);
}

/**
 * @param stored - PHC string from hashPassword, or null for an unknown user (a dummy hash is checked then, so that
 *   the answer takes as long as for a known user)
 * @param password - the password given
 * @returns true when it matches
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_CHARS) {
    return false;
  }
  const phc = stored ?? (await dummyHash());
  try {
    return (await verify(phc, password)) && stored !== null;
  } catch {
    // A malformed stored hash matches nothing.
    return false;
  }
}

let dummy: Promise<string> | null = null;
function dummyHash(): Promise<string> {
  dummy ??= hash('not-a-password-of-anyone');
  return dummy;
}
