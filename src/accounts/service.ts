/**
 * @module Account operations shared by the CLI and the API: add a user (hashing the password), create a token.
 */
import { NotFoundError } from '../errors.ts';
import {
  createUser,
  getUserByName,
  insertApiToken,
  type ApiToken,
  type Db,
  type User,
  type UserRole,
} from '../store/index.ts';
import { hashPassword } from './passwords.ts';
import { makeToken } from './tokens.ts';

/**
 * Creates a user with a hashed password.
 * @throws InputError for a bad name or password; ConflictError when the name is taken
 */
export async function addUser(
  db: Db,
  input: { name: string; role: UserRole; password: string },
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return createUser(db, { name: input.name, role: input.role, passwordHash });
}

/** A token as created: its listing plus the value, shown once. */
export interface CreatedToken extends ApiToken {
  /** The token itself; not stored, not shown again. */
  token: string;
}

/**
 * Creates a personal API token for a user.
 * @throws NotFoundError when the user does not exist
 */
export async function createToken(db: Db, name: string, label = ''): Promise<CreatedToken> {
  const user = await getUserByName(db, name);
  if (!user) {
    throw new NotFoundError(`No user ${name}: add it with screenalytics user add`);
  }
  const made = makeToken();
  const row = await insertApiToken(db, {
    tokenId: made.tokenId,
    userId: user.user_id,
    sha256: made.sha256,
    label: label.slice(0, 100),
  });
  return { ...row, token: made.token };
}
