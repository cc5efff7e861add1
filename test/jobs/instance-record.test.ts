/**
 * @module The data directory's instance id is recorded in the database as well as in the marker file: an API whose
 * database belongs to another data directory refuses to start, and so does a worker whose data directory carries the
 * API's marker (the queue check passes) but whose database records another instance. Both exit 2 with one line
 * naming the database and both instances. On this run's engine (SQLite, or PostgreSQL in CI's second pass).
 */
import { copyFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInstanceId, INSTANCE_FILE } from '../../src/jobs/instance.ts';
import { announceInstanceRecord, getInstance } from '../../src/store/index.ts';
import { openTestDatabase, testDatabaseEnv } from '../helpers/database.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { JobsWorld } from './harness.ts';

const FOREIGN = '00000000-0000-4000-8000-000000000000';

/** Records FOREIGN as the instance of the database of `dataDir`. */
async function recordForeign(dataDir: string): Promise<void> {
  const db = await openTestDatabase(dataDir);
  try {
    await announceInstanceRecord(db, {
      instance_id: FOREIGN,
      data_dir: '/elsewhere/data',
      host: 'other-host',
      announced_at: new Date().toISOString(),
    });
  } finally {
    await db.close();
  }
}

describe('instance record in the database', () => {
  let world: JobsWorld;
  let copyDir: string;
  let foreignDir: string;

  beforeAll(async () => {
    world = await JobsWorld.create();
    copyDir = await makeTempDir('sa-instance-copy-');
    foreignDir = await makeTempDir('sa-instance-foreign-');
  });

  afterAll(async () => {
    await world?.close();
    await removeTempDir(copyDir);
    await removeTempDir(foreignDir);
  });

  it('is written by serve, and a worker whose database records another instance refuses to start', async () => {
    await world.startApi();
    const apiId = ensureInstanceId(world.dataDir);
    const db = await openTestDatabase(world.dataDir);
    try {
      expect(await getInstance(db)).toMatchObject({
        instance_id: apiId,
        data_dir: resolve(world.dataDir),
        host: hostname(),
      });
    } finally {
      await db.close();
    }

    // The API's marker (the queue check passes), but a database that belongs to someone else.
    copyFileSync(join(world.dataDir, INSTANCE_FILE), join(copyDir, INSTANCE_FILE));
    await recordForeign(copyDir);
    await expect(
      world.startWorker({ ...testDatabaseEnv(copyDir), SCREENALYTICS_DATA_DIR: copyDir }),
    ).rejects.toThrow(
      new RegExp(
        `exited 2: error: This worker's database .* belongs to the data directory /elsewhere/data on other-host ` +
          `\\(instance ${FOREIGN}\\), not to ${copyDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(instance ${apiId}\\)`,
      ),
    );
  });

  it('makes serve refuse a database that belongs to another data directory', async () => {
    await recordForeign(foreignDir);
    await expect(
      world.startApi({ ...testDatabaseEnv(foreignDir), SCREENALYTICS_DATA_DIR: foreignDir }),
    ).rejects.toThrow(
      new RegExp(
        `exited 2: error: The database .* belongs to the data directory /elsewhere/data on other-host ` +
          `\\(instance ${FOREIGN}\\), not to .*: point SCREENALYTICS_DATA_DIR at that directory`,
      ),
    );
  });
});
