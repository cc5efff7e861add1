/**
 * @module A worker takes jobs only for the API's data directory: `screenalytics serve` writes the instance marker
 * and announces it on the queue; a `screenalytics worker` whose data directory lacks that marker (another host's
 * empty mount) or has another API's marker refuses to start with exit code 2 and one line naming both directories;
 * a worker started before the API waits for its announcement, then starts.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInstanceId, INSTANCE_FILE } from '../../src/jobs/instance.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { JobsWorld, waitFor } from './harness.ts';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('worker data directory check', () => {
  let world: JobsWorld;
  let otherDir: string;

  beforeAll(async () => {
    world = await JobsWorld.create();
    otherDir = await makeTempDir('sa-other-data-');
  });

  afterAll(async () => {
    await world?.close();
    await removeTempDir(otherDir);
  });

  it('waits for the API when none has announced, then starts on the same data directory', async () => {
    const worker = await world.startWorker({}, /waiting for an API to announce/);
    await world.startApi();
    const apiId = (
      JSON.parse(readFileSync(join(world.dataDir, INSTANCE_FILE), 'utf8')) as {
        instance_id: string;
      }
    ).instance_id;
    expect(apiId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor('the worker to be ready', () =>
      /worker \d+ ready on queue/.test(worker.output()) ? true : undefined,
    );
  });

  it('refuses, exit code 2, when its data directory has no marker or another API marker', async () => {
    const apiId = ensureInstanceId(world.dataDir);
    const names = `the API's \\(${escape(world.dataDir)} on ${escape(hostname())}\\) is ${apiId}`;
    await expect(world.startWorker({ SCREENALYTICS_DATA_DIR: otherDir })).rejects.toThrow(
      new RegExp(
        `exited 2: error: This worker's data directory ${escape(otherDir)} is not the API's: its instance marker ` +
          `${escape(INSTANCE_FILE)} is missing, ${names}; point SCREENALYTICS_DATA_DIR at the API's data directory[^\\n]*\\n$`,
      ),
    );
    const otherId = ensureInstanceId(otherDir);
    expect(otherId).not.toBe(apiId);
    await expect(world.startWorker({ SCREENALYTICS_DATA_DIR: otherDir })).rejects.toThrow(
      new RegExp(
        `exited 2: error: [^\\n]* its instance marker ${escape(INSTANCE_FILE)} is ${otherId}, ${names};`,
      ),
    );
  });
});
