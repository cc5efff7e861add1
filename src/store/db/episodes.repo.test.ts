/** @module Tests of the episodes repository against a real database (SQLite, or PostgreSQL in CI's second pass). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../errors.ts';
import { deleteEpisode, getEpisode, listEpisodes, upsertEpisode } from './episodes.repo.ts';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import type { Db } from './open.ts';

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-episodes-'));
  db = await openTestDatabase(dir);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function showName(db: Db, showId: string): Promise<string | undefined> {
  const row = await db.q
    .selectFrom('shows')
    .select('name')
    .where('show_id', '=', showId)
    .executeTakeFirst();
  return row?.name;
}

const t0 = new Date('2026-11-21T06:54:00Z');
const t1 = new Date('2026-11-21T07:00:00Z');

describe('upsertEpisode', () => {
  it('creates the show and the episode from the id when both are new', async () => {
    const ep = await upsertEpisode(
      db,
      { ep_id: 'fotb-s01e11', title: 'Pilot', video_path: '/v/fotb.mp4' },
      t0,
    );
    expect(ep).toEqual({
      ep_id: 'fotb-s01e11',
      show_id: 'fotb',
      season: 1,
      episode: 11,
      title: 'Pilot',
      video_path: '/v/fotb.mp4',
      created_at: t0.toISOString(),
      updated_at: t0.toISOString(),
    });
    expect(await getEpisode(db, 'fotb-s01e11')).toEqual(ep);
    expect(await showName(db, 'fotb')).toBe('fotb');
  });

  it('keeps created_at and unspecified fields when the episode exists', async () => {
    await upsertEpisode(db, { ep_id: 'fotb-s01e11', title: 'Pilot', video_path: '/v/a.mp4' }, t0);
    const ep = await upsertEpisode(
      db,
      { ep_id: 'fotb-s01e11', video_path: null, show_name: 'Fresh Off the Boat' },
      t1,
    );
    expect(ep).toMatchObject({
      title: 'Pilot',
      video_path: null,
      created_at: t0.toISOString(),
      updated_at: t1.toISOString(),
    });
    expect(await getEpisode(db, 'fotb-s01e11')).toEqual(ep);
    expect(await showName(db, 'fotb')).toBe('Fresh Off the Boat');
  });

  it('throws InputError when the id is invalid', async () => {
    await expect(upsertEpisode(db, { ep_id: '../x' })).rejects.toThrow(InputError);
  });
});

describe('listEpisodes', () => {
  it('orders by show, season, episode and filters by show when asked', async () => {
    for (const id of ['fotb-s02e01', 'alf-s01e02', 'fotb-s01e11', 'fotb-s01e02']) {
      await upsertEpisode(db, { ep_id: id });
    }
    expect((await listEpisodes(db)).map((e) => e.ep_id)).toEqual([
      'alf-s01e02',
      'fotb-s01e02',
      'fotb-s01e11',
      'fotb-s02e01',
    ]);
    expect((await listEpisodes(db, { showId: 'alf' })).map((e) => e.ep_id)).toEqual(['alf-s01e02']);
  });
});

describe('deleteEpisode', () => {
  it('removes the episode when it exists', async () => {
    await upsertEpisode(db, { ep_id: 'fotb-s01e11' });
    await deleteEpisode(db, 'fotb-s01e11');
    expect(await getEpisode(db, 'fotb-s01e11')).toBeNull();
  });

  it('throws NotFoundError when the episode is not registered', async () => {
    await expect(deleteEpisode(db, 'fotb-s01e11')).rejects.toThrow(NotFoundError);
  });
});
