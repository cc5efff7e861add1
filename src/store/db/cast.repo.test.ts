/** @module Tests of the cast repository on this run's engine (SQLite, or PostgreSQL in CI's second pass). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import {
  countCastEpisodes,
  createCastMember,
  deleteCastMember,
  getCastMember,
  listCastMembers,
  listShows,
  updateCastMember,
} from './cast.repo.ts';
import { upsertEpisode } from './episodes.repo.ts';
import type { Db } from './open.ts';
import { appendReviewEdit, createReview, type ReviewRow } from './reviews.repo.ts';
import { createRun } from './runs.repo.ts';

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-cast-'));
  db = await openTestDatabase(dir);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A review of a new run of `epId` (registered here) whose state points at `castRefs`. */
async function reviewPointingAt(epId: string, castRefs: string[]): Promise<ReviewRow> {
  await upsertEpisode(db, { ep_id: epId });
  const run = await createRun(db, { ep_id: epId, profile: 'balanced' });
  return createReview(
    db,
    { ep_id: epId, run_id: run.run_id, clustering_id: 'c1', state: '{}', carried_from: null },
    { kind: 'assign', payload: {}, reviewer: 'a', state: '{}', castRefs },
  );
}

describe('createCastMember', () => {
  it('creates the show and a unique slug id when none is given', async () => {
    const a = await createCastMember(db, 'fotb', { name: 'Jessica Huang', role: 'main' });
    const b = await createCastMember(db, 'fotb', { name: 'Jessica  Huang!' });
    expect([a.cast_id, b.cast_id]).toEqual(['jessica-huang', 'jessica-huang-2']);
    expect(b).toMatchObject({ role: 'other', status: 'active', aliases: [] });
    expect(await listShows(db)).toEqual([{ show_id: 'fotb', name: 'fotb', episodes: 0, cast: 2 }]);
  });

  it('throws ConflictError for a taken id and InputError for a bad id or an empty name', async () => {
    await createCastMember(db, 'fotb', { name: 'Louis', cast_id: 'louis' });
    await expect(createCastMember(db, 'fotb', { name: 'Other', cast_id: 'louis' })).rejects.toThrow(
      ConflictError,
    );
    await expect(createCastMember(db, 'fotb', { name: 'X', cast_id: 'Bad Id' })).rejects.toThrow(
      InputError,
    );
    await expect(createCastMember(db, 'fotb', { name: '  ' })).rejects.toThrow(InputError);
  });

  it('gives concurrent creators of one name distinct ids', async () => {
    const made = await Promise.all(
      [1, 2, 3].map(() => createCastMember(db, 'fotb', { name: 'Eddie' })),
    );
    expect(made.map((c) => c.cast_id).sort()).toEqual(['eddie', 'eddie-2', 'eddie-3']);
  });
});

describe('listCastMembers and updateCastMember', () => {
  it('pages by name and filters by status after a change', async () => {
    for (const name of ['Eddie', 'Louis', 'Jessica']) {
      await createCastMember(db, 'fotb', { name });
    }
    await updateCastMember(db, 'fotb', 'louis', { status: 'inactive', aliases: ['Dad'] });
    const page = await listCastMembers(db, 'fotb', { limit: 2, offset: 0 });
    expect(page.items.map((c) => c.name)).toEqual(['Eddie', 'Jessica']);
    expect(page.total).toBe(3);
    expect((await listCastMembers(db, 'fotb', { offset: 1 })).items.map((c) => c.name)).toEqual([
      'Jessica',
      'Louis',
    ]);
    expect(await listCastMembers(db, 'fotb', { status: 'inactive' })).toMatchObject({
      total: 1,
      items: [{ aliases: ['Dad'] }],
    });
    await expect(updateCastMember(db, 'fotb', 'nobody', { name: 'x' })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('deleteCastMember', () => {
  it('refuses while a review points at the cast member, and deletes once it does not', async () => {
    await createCastMember(db, 'fotb', { name: 'Louis' });
    const review = await reviewPointingAt('fotb-s01e01', ['louis']);
    await expect(deleteCastMember(db, 'fotb', 'louis')).rejects.toThrow(
      /still assigned in fotb-s01e01/,
    );
    await appendReviewEdit(db, review.review_id, null, () => ({
      kind: 'assign',
      payload: {},
      reviewer: 'a',
      state: '{}',
      castRefs: [],
    }));
    await deleteCastMember(db, 'fotb', 'louis');
    expect(await getCastMember(db, 'fotb', 'louis')).toBeNull();
  });
});

describe('countCastEpisodes', () => {
  it("counts the episodes whose newest review points at each cast member, and no other show's", async () => {
    for (const name of ['Louis', 'Jessica', 'Eddie']) {
      await createCastMember(db, 'fotb', { name });
    }
    await reviewPointingAt('fotb-s01e01', ['louis', 'jessica']);
    await reviewPointingAt('fotb-s01e02', ['jessica']);
    // A newer review of episode 2 (a re-clustering) no longer points at jessica.
    await reviewPointingAt('fotb-s01e02', ['eddie']);
    await reviewPointingAt('other-s01e01', ['louis']);
    expect(Object.fromEntries(await countCastEpisodes(db, 'fotb'))).toEqual({
      louis: 1,
      jessica: 1,
      eddie: 1,
    });
    expect(await listShows(db)).toEqual([
      { show_id: 'fotb', name: 'fotb', episodes: 2, cast: 3 },
      { show_id: 'other', name: 'other', episodes: 1, cast: 0 },
    ]);
  });
});
