/**
 * @module What the security tests share: an in-process API on a fresh data directory and multipart bodies
 * (accounts and sign-in: test/helpers/accounts.ts).
 */
import { buildServer } from '../../src/api/server.ts';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { testDatabase } from '../helpers/database.ts';

/** The in-process API. */
export type App = Awaited<ReturnType<typeof buildServer>>;

/**
 * @param dataDir - data directory (and, on PostgreSQL runs, the name of the test's schema)
 * @param overrides - more config
 * @returns the API, not listening, on this test run's database engine
 */
export function apiOf(dataDir: string, overrides: ConfigInput = {}): Promise<App> {
  return buildServer({
    config: loadConfig({ data_dir: dataDir, database: testDatabase(dataDir), ...overrides }, {}),
  });
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
