/**
 * @module `screenalytics user add|token|list|remove`: accounts of the HTTP API, managed on the machine itself
 * (the CLI opens the configured database directly and needs no sign-in). `add` reads the password from standard input.
 */
import Table from 'cli-table3';
import { addUser, createToken } from '../../accounts/index.ts';
import type { Config } from '../../config/index.ts';
import { InputError } from '../../errors.ts';
import {
  listApiTokens,
  listUsers,
  openDatabase,
  removeUser,
  USER_ROLES,
  type UserRole,
} from '../../store/index.ts';

/**
 * Reads the password: the first line of standard input (a terminal is prompted on stderr; the line is echoed, so
 * prefer a pipe: `printf '%s\n' "$PW" | screenalytics user add alice --role reviewer`).
 * @param input - the stream (default: process.stdin)
 * @returns the line without its line end
 * @throws InputError when standard input is empty
 */
export async function readPassword(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((input as NodeJS.ReadStream).isTTY) {
    process.stderr.write('password: ');
  }
  let text = '';
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 4096) {
      break;
    }
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') {
    throw new InputError('No password on standard input: pipe it in, one line');
  }
  return line;
}

/**
 * `user add NAME --role ROLE`: creates the account.
 * @param config - loaded config (`data_dir`, `database`)
 * @param name - user name
 * @param role - `admin`, `reviewer` or `viewer`
 * @param password - the password (from readPassword)
 * @returns the line printed
 * @throws InputError for a bad name, role or password; ConflictError when the name is taken
 */
export async function userAddCommand(
  config: Config,
  name: string,
  role: string,
  password: string,
): Promise<string> {
  if (!(USER_ROLES as readonly string[]).includes(role)) {
    throw new InputError(`Unknown role ${role}: use one of ${USER_ROLES.join(', ')}`);
  }
  const db = await openDatabase(config.data_dir, config.database);
  try {
    const user = await addUser(db, { name, role: role as UserRole, password });
    return `created user ${user.name} (${user.role})`;
  } finally {
    await db.close();
  }
}

/**
 * `user token NAME`: a new personal API token, printed once (only its hash is kept).
 * @returns the token
 * @throws NotFoundError for an unknown user
 */
export async function userTokenCommand(
  config: Config,
  name: string,
  label?: string,
): Promise<string> {
  const db = await openDatabase(config.data_dir, config.database);
  try {
    return (await createToken(db, name, label)).token;
  } finally {
    await db.close();
  }
}

/** `user list`: a table of name, role, tokens, created. */
export async function userListCommand(config: Config): Promise<string> {
  const db = await openDatabase(config.data_dir, config.database);
  try {
    const users = await listUsers(db);
    if (users.length === 0) {
      return 'no users: the API runs single-user on loopback (add one with screenalytics user add NAME --role admin)';
    }
    const table = new Table({ head: ['name', 'role', 'tokens', 'created_at'] });
    for (const u of users) {
      table.push([u.name, u.role, (await listApiTokens(db, u.user_id)).length, u.created_at]);
    }
    return table.toString();
  } finally {
    await db.close();
  }
}

/**
 * `user remove NAME`: deletes the account, its tokens and its sessions.
 * @throws NotFoundError for an unknown user
 */
export async function userRemoveCommand(config: Config, name: string): Promise<string> {
  const db = await openDatabase(config.data_dir, config.database);
  try {
    await removeUser(db, name);
    return `removed user ${name} (its tokens and sessions too)`;
  } finally {
    await db.close();
  }
}
