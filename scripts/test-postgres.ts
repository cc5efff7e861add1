/**
 * @module `npm run test:postgres`: the suites that touch the database (store, jobs, review, API, accounts) again on
 * PostgreSQL. Creates a throw-away database on the server of `SCREENALYTICS_TEST_PG_ADMIN_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`, the trust-auth server of this machine), runs Vitest on those
 * suites with `SCREENALYTICS_TEST_DATABASE_URL` pointing at it (each test data directory gets its own schema, see
 * `test/helpers/database.ts`), and drops the database at the end, whatever the outcome. Exits with Vitest's code;
 * exits 1 with a message when the server does not answer. Extra arguments go to Vitest (e.g. one file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The suites run on PostgreSQL when no file is named. */
const SUITES = [
  'src/store',
  'src/jobs',
  'test/store',
  'test/jobs',
  'test/review',
  'test/api',
  'test/security',
];

const admin =
  process.env.SCREENALYTICS_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `sa_test_${process.pid}_${randomBytes(4).toString('hex')}`;

function psql(command: string): void {
  execFileSync('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: 'inherit' });
}

try {
  psql(`create database ${name} template template0 encoding 'UTF8'`);
} catch {
  process.stderr.write(
    `test:postgres: cannot create a database on ${admin}: is PostgreSQL running?\n`,
  );
  process.exit(1);
}
const url = new URL(admin);
url.pathname = `/${name}`;
process.stdout.write(`test:postgres: throw-away database ${name}\n`);
const files = process.argv.slice(2);
const result = spawnSync('npx', ['vitest', 'run', ...(files.length > 0 ? files : SUITES)], {
  stdio: 'inherit',
  env: { ...process.env, SCREENALYTICS_TEST_DATABASE_URL: url.toString() },
});
try {
  psql(`drop database if exists ${name} with (force)`);
} catch {
  process.stderr.write(`test:postgres: could not drop ${name}\n`);
}
process.exit(result.status ?? 1);
