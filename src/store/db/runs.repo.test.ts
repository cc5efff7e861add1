/** @module Tests of the runs repository against a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { deleteEpisode, upsertEpisode } from './episodes.repo.ts';
import { openDatabase, type Db } from './open.ts';
import { createRun, latestRun, listRuns, setRunStatus } from './runs.repo.ts';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-runs-'));
  db = openDatabase(dir);
  upsertEpisode(db, { ep_id: 'fotb-s01e11' });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createRun', () => {
  it('stores a created run with a fresh id when none is given', () => {
    const run = createRun(
      db,
      { ep_id: 'fotb-s01e11', profile: 'balanced' },
      new Date('2026-11-21T06:54:00Z'),
    );
    expect(run).toMatchObject({ ep_id: 'fotb-s01e11', profile: 'balanced', status: 'created' });
    expect(run.run_id).toMatch(/^run-20261121-065400-/);
    expect(listRuns(db, 'fotb-s01e11')).toEqual([run]);
  });

  it('throws NotFoundError when the episode is not registered', () => {
    expect(() => createRun(db, { ep_id: 'alf-s01e01', profile: 'balanced' })).toThrow(
      NotFoundError,
    );
  });

  it('throws ConflictError when the run id exists', () => {
    const input = {
      ep_id: 'fotb-s01e11',
      profile: 'low_power' as const,
      run_id: 'run-20261121-065400-ab12',
    };
    createRun(db, input);
    expect(() => createRun(db, input)).toThrow(ConflictError);
  });
});

describe('latestRun', () => {
  it('returns the newest run when there are several, and null when there are none', () => {
    expect(latestRun(db, 'fotb-s01e11')).toBeNull();
    createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' }, new Date('2026-11-21T06:00:00Z'));
    const newest = createRun(
      db,
      { ep_id: 'fotb-s01e11', profile: 'performance' },
      new Date('2026-11-21T07:00:00Z'),
    );
    createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' }, new Date('2026-11-20T07:00:00Z'));
    expect(latestRun(db, 'fotb-s01e11')).toEqual(newest);
    expect(listRuns(db, 'fotb-s01e11').map((r) => r.created_at)).toEqual([
      '2026-11-21T07:00:00.000Z',
      '2026-11-21T06:00:00.000Z',
      '2026-11-20T07:00:00.000Z',
    ]);
  });
});

describe('setRunStatus', () => {
  it('updates the status when the run exists, and throws NotFoundError when not', () => {
    const run = createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
    expect(setRunStatus(db, run.run_id, 'running')).toEqual({ ...run, status: 'running' });
    expect(() => setRunStatus(db, 'run-20261121-065400-zz99', 'error')).toThrow(NotFoundError);
  });
});

describe('deleteEpisode', () => {
  it('deletes the episode runs when the episode is deleted (cascade)', () => {
    createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
    createRun(db, { ep_id: 'fotb-s01e11', profile: 'balanced' });
    deleteEpisode(db, 'fotb-s01e11');
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
  });
});
