/**
 * @module What the security tests share: an in-process API on a fresh data directory, accounts made through the
 * store, sign-in through the API (the session cookie kept), and multipart bodies.
 */
import { addUser } from '../../src/accounts/index.ts';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { openDatabase, type UserRole } from '../../src/store/index.ts';

/** The in-process API. */
export type App = Awaited<ReturnType<typeof buildServer>>;

/** Password of every test account. */
export const PASSWORD = 'correct horse battery';

/**
 * @param dataDir - data directory
 * @param overrides - more config
 * @returns the API, not listening
 */
export function apiOf(dataDir: string, overrides: ConfigInput = {}): Promise<App> {
  return buildServer({ config: loadConfig({ data_dir: dataDir, ...overrides }, {}) });
}

/**
 * Creates accounts directly in the database (as `screenalytics user add` does).
 * @param dataDir - data directory
 * @param users - name to role
 */
export async function addUsers(dataDir: string, users: Record<string, UserRole>): Promise<void> {
  const db = openDatabase(dataDir);
  try {
    for (const [name, role] of Object.entries(users)) {
      await addUser(db, { name, role, password: PASSWORD });
    }
  } finally {
    db.close();
  }
}

/**
 * Signs in through the API.
 * @returns the `cookie` header to send with later requests
 * @throws Error when sign-in is not 200
 */
export async function signIn(app: App, name: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/auth/sign-in',
    payload: { name, password },
  });
  if (res.statusCode !== 200) {
    throw new Error(`sign-in of ${name}: ${res.statusCode} ${res.body}`);
  }
  const cookie = res.cookies.find((c) => c.name === 'sa_session');
  if (!cookie) {
    throw new Error('no session cookie');
  }
  return `sa_session=${cookie.value}`;
}

/** A multipart/form-data body with one file field. */
export function multipart(
  filename: string,
  bytes: Buffer,
  type = 'application/octet-stream',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----screenalytics-security';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
