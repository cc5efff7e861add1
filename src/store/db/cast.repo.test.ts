/** @module Tests of the cast repository against a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import {
  createCastMember,
  deleteCastMember,
  getCastMember,
  listCastMembers,
  listShows,
  updateCastMember,
} from './cast.repo.ts';
import { upsertEpisode } from './episodes.repo.ts';
import { openDatabase, type Db } from './open.ts';
import { createReview } from './reviews.repo.ts';
import { createRun } from './runs.repo.ts';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-cast-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createCastMember', () => {
  it('creates the show and a unique slug id when none is given', () => {
    const a = createCastMember(db, 'fotb', { name: 'Jessica Huang', role: 'main' });
    const b = createCastMember(db, 'fotb', { name: 'Jessica  Huang!' });
    expect([a.cast_id, b.cast_id]).toEqual(['jessica-huang', 'jessica-huang-2']);
    expect(b).toMatchObject({ role: 'other', status: 'active', aliases: [] });
    expect(listShows(db)).toEqual([{ show_id: 'fotb', name: 'fotb', episodes: 0, cast: 2 }]);
  });

  it('throws ConflictError for a taken id and InputError for a bad id or an empty name', () => {
    createCastMember(db, 'fotb', { name: 'Louis', cast_id: 'louis' });
    expect(() => createCastMember(db, 'fotb', { name: 'Other', cast_id: 'louis' })).toThrow(
      ConflictError,
    );
    expect(() => createCastMember(db, 'fotb', { name: 'X', cast_id: 'Bad Id' })).toThrow(
      InputError,
    );
    expect(() => createCastMember(db, 'fotb', { name: '  ' })).toThrow(InputError);
  });
});

describe('listCastMembers and updateCastMember', () => {
  it('pages by name and filters by status after a change', () => {
    for (const name of ['Eddie', 'Louis', 'Jessica']) {
      createCastMember(db, 'fotb', { name });
    }
    updateCastMember(db, 'fotb', 'louis', { status: 'inactive', aliases: ['Dad'] });
    expect(listCastMembers(db, 'fotb', { limit: 2, offset: 0 }).items.map((c) => c.name)).toEqual([
      'Eddie',
      'Jessica',
    ]);
    expect(listCastMembers(db, 'fotb', { status: 'inactive' })).toMatchObject({
      total: 1,
      items: [{ aliases: ['Dad'] }],
    });
    expect(() => updateCastMember(db, 'fotb', 'nobody', { name: 'x' })).toThrow(NotFoundError);
  });
});

describe('deleteCastMember', () => {
  it('refuses while a review points at the cast member, and deletes once it does not', () => {
    createCastMember(db, 'fotb', { name: 'Louis' });
    upsertEpisode(db, { ep_id: 'fotb-s01e01' });
    const run = createRun(db, { ep_id: 'fotb-s01e01', profile: 'balanced' });
    createReview(
      db,
      {
        ep_id: 'fotb-s01e01',
        run_id: run.run_id,
        clustering_id: 'c1',
        state: '{}',
        carried_from: null,
      },
      { kind: 'assign', payload: {}, reviewer: 'a', state: '{}', castRefs: ['louis'] },
    );
    expect(() => deleteCastMember(db, 'fotb', 'louis')).toThrow(/still assigned in fotb-s01e01/);
    db.prepare("UPDATE reviews SET cast_refs = '[]'").run();
    deleteCastMember(db, 'fotb', 'louis');
    expect(getCastMember(db, 'fotb', 'louis')).toBeNull();
  });
});
