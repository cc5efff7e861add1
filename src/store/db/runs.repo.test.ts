/** @module Tests of the runs repository against a real database (SQLite, or PostgreSQL in CI's second pass). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { deleteEpisode, upsertEpisode } from './episodes.repo.ts';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import type { Db } from './open.ts';
import { createRun, latestRun, listRuns, setRunStatus } from './runs.repo.ts';

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-runs-'));
  db = await openTestDatabase(dir);
  await upsertEpisode(db, { ep_id: 'fotb-s01e11' });
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createRun', () => {
  it('stores a created run with a fresh id when none is given', async () => {
    const run = await createRun(
      db,
      { ep_id: 'fotb-s01e11', profile: 'balanced' },
      new Date('2026-11-21T06:54:00Z'),
    );
    expect(run).toMatchObject({ ep_id: 'fotb-s01e11', profile: 'balanced', status: 'created' });
    expect(run.run_id).toMatch(/^run-20261121-065400-/);
    expect(await listRuns(db, 'fotb-s01e11')).toEqual([run]);
  });

  it('throws NotFoundError when the episode is not registered', async () => {
    await expect(createRun(db, { ep_id: 'alf-s01e01', profile: 'balanced' })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('throws ConflictError when the run id exists', async () => {
    const input = {
      ep_id: 'fotb-s01e11',
      profile: 'low_power' as const,
      run_id: 'run-20261121-065400-ab12',
    };
    await createRun(db, input);
    await expect(createRun(db, input)).rejects.toThrow(ConflictError);
  });
});

describe('latestRun', () => {
  it('returns the newest run when there are several, and null when there are none', async () => {
    expect(await latestRun(db, 'fotb-s01e11')).toBeNull();
    await createRun(
      db,
      { ep_id: 'fotb-s01e11', profile: 'balanced' },
      new Date('2026-11-21T06:00:00Z'),
    );
    const newest = await createRun(
      db,
      { ep_id: 'fotb-s01e11', profile: 'performance' },
      new Date('2026-11-21T07:00:00Z'),
    );
    await createRun(
      db,
      { ep_id: 'fotb-s01e11', profile: 'balanced' },
      new Date('2026-11-20T07:00:00Z'),
    );
    expect(await latestRun(db, 'fotb-s01e11')).toEqual(newest);
    expect((await listRuns(db, 'fotb-s01e11')).map((r) => r.created_at)).toEqual([
      '2026-11-21T07:00:00.000Z',
      '2026-11-21T06:00:00.000Z',
      '2026-11-20T07:00:00.000Z',
    ]);
  });
});

describe('setRunStatus', () => {
  it('updates the status when the run exists, and throws NotFoundError when not', async () => {
    const run = await createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
    expect(await setRunStatus(db, run.run_id, 'running')).toEqual({ ...run, status: 'running' });
    await expect(setRunStatus(db, 'run-20261121-065400-zz99', 'error')).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('deleteEpisode', () => {
  it('deletes the episode runs when the episode is deleted (cascade)', async () => {
    await createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
    await createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
    await deleteEpisode(db, 'fotb-s01e11');
    expect(await listRuns(db, 'fotb-s01e11')).toEqual([]);
  });
});
