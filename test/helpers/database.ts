/**
 * @module Which database engine a test uses. By default SQLite in the test's data directory. When
 * `SCREENALYTICS_TEST_DATABASE_URL` is set (`.ci/run` sets it to a throw-away PostgreSQL database for its second
 * pass), PostgreSQL at that URL, with one schema per data directory, so tests never see each other's rows.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { openDatabase, type DatabaseTarget, type Db } from '../../src/store/index.ts';

/** The PostgreSQL URL of this test run, or undefined (SQLite). */
export const TEST_DATABASE_URL = process.env.SCREENALYTICS_TEST_DATABASE_URL || undefined;

/** `sqlite` or `postgres`: the engine the tests of this run use (for test names). */
export const TEST_ENGINE = TEST_DATABASE_URL === undefined ? 'sqlite' : 'postgres';

/**
 * @param dataDir - the test's data directory
 * @returns the config's `database` section for it: `{}` (SQLite), or the PostgreSQL URL and a schema named after
 *   the data directory (`t_` + 20 hex digits of its SHA-1)
 */
export function testDatabase(dataDir: string): DatabaseTarget {
  if (TEST_DATABASE_URL === undefined) {
    return {};
  }
  const schema = `t_${createHash('sha1').update(resolve(dataDir)).digest('hex').slice(0, 20)}`;
  return { url: TEST_DATABASE_URL, schema };
}

/**
 * @param dataDir - the test's data directory
 * @returns the environment variables that give a spawned `screenalytics` process the same database
 */
export function testDatabaseEnv(dataDir: string): Record<string, string> {
  const { url, schema } = testDatabase(dataDir);
  return url === undefined
    ? {}
    : { SCREENALYTICS_DATABASE_URL: url, SCREENALYTICS_DATABASE_SCHEMA: schema ?? 'public' };
}

/**
 * Opens the database of a test's data directory on this run's engine.
 * @param dataDir - the test's data directory
 * @returns the open database (migrated); the test closes it
 */
export function openTestDatabase(dataDir: string): Promise<Db> {
  return openDatabase(dataDir, testDatabase(dataDir));
}
