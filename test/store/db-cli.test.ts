/**
 * @module `screenalytics db status|migrate` as a user runs them, on this run's engine (SQLite, or PostgreSQL in CI's
 * second pass): a fresh database shows every migration pending, `migrate` applies them once, `status` then shows
 * them applied.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { TEST_ENGINE } from '../helpers/database.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const NAMES = [
  '001-init',
  '002-jobs',
  '003-review',
  '004-accounts',
  '005-instance',
  '006-one-jobs-table',
];

let dataDir = '';
beforeEach(async () => {
  dataDir = await makeTempDir('sa-db-cli-');
});
afterEach(() => removeTempDir(dataDir));

describe(`screenalytics db (${TEST_ENGINE})`, () => {
  it('shows pending migrations, applies them once, then shows the schema current', async () => {
    const before = await runCli(['db', 'status'], { dataDir });
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(
      new RegExp(`^${TEST_ENGINE} .*: ${NAMES.length} migration\\(s\\) pending`),
    );
    for (const name of NAMES) {
      expect(before.stdout).toMatch(new RegExp(`${name}\\s+│ pending`));
    }

    const migrated = await runCli(['db', 'migrate'], { dataDir });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain(`applied ${NAMES.join(', ')}`);

    const again = await runCli(['db', 'migrate'], { dataDir });
    expect(again.stdout).toContain('schema current, nothing to apply');

    const after = await runCli(['db', 'status'], { dataDir });
    expect(after.stdout).toContain('schema current');
    expect(after.stdout).not.toContain('pending');
    expect(after.stdout).toMatch(/001-init\s+│ \d{4}-\d\d-\d\dT/);
  });

  it('exits 1 with one line naming the server when PostgreSQL cannot be reached', async () => {
    const out = await runCli(['db', 'status'], {
      dataDir,
      env: { SCREENALYTICS_DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' },
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(out.stderr).not.toContain('secret');
    expect(out.stdout).toBe('');
  });
});
