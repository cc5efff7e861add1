/**
 * @module Tests of openDatabase, transact and the migrations against a real database: SQLite, or PostgreSQL in CI's
 * second pass (`SCREENALYTICS_TEST_DATABASE_URL`); the SQLite-only cases skip there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_ENGINE } from '../../../test/helpers/database.ts';
import { AppError } from '../../errors.ts';
import { getEpisode, upsertEpisode } from './episodes.repo.ts';
import { migrateToLatest, migrationStatus } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openDatabase, transact, type Db } from './open.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TABLES = [
  'api_tokens',
  'audit_log',
  'cast_centroids',
  'cast_members',
  'episodes',
  'facebank_images',
  'instance',
  'jobs',
  'review_edits',
  'review_results',
  'reviews',
  'runs',
  'sessions',
  'shows',
  'users',
];

async function tableNames(db: Db): Promise<string[]> {
  return (await db.q.introspection.getTables())
    .filter((t) => db.engine === 'sqlite' || t.schema === db.schema)
    .map((t) => t.name)
    .sort();
}

async function episodeCount(db: Db): Promise<number> {
  const row = await db.q
    .selectFrom('episodes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

describe('openDatabase', () => {
  it.skipIf(TEST_ENGINE !== 'sqlite')(
    'turns on WAL, foreign keys and the busy timeout when opening the SQLite file',
    async () => {
      const db = await openDatabase(join(dir, 'data'), {}, { busyTimeoutMs: 1234 });
      const pragma = async (name: string): Promise<unknown> =>
        Object.values((await sql.raw(`pragma ${name}`).execute(db.q)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(1234);
      await db.close();
    },
  );

  it('applies each migration once when opened twice', async () => {
    const first = await openTestDatabase(dir);
    expect(await tableNames(first)).toEqual(TABLES);
    const applied = await migrationStatus(first);
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map(([name]) => name));
    expect(applied.every((m) => m.applied_at !== null)).toBe(true);
    await first.close();
    const second = await openTestDatabase(dir);
    expect(await migrateToLatest(second)).toEqual([]);
    await second.close();
  });

  it('throws an AppError naming it when the database has a migration this build lacks', async () => {
    const db = await openTestDatabase(dir);
    await db.q
      .withTables<{ kysely_migration: { name: string; timestamp: string } }>()
      .insertInto('kysely_migration')
      .values({ name: '999-future', timestamp: '2030-01-01T00:00:00.000Z' })
      .execute();
    await db.close();
    const again = openTestDatabase(dir);
    await expect(again).rejects.toThrow(AppError);
    await expect(openTestDatabase(dir)).rejects.toThrow(
      /migration 999-future unknown to this build: upgrade screenalytics/,
    );
  });

  it.skipIf(TEST_ENGINE !== 'sqlite')(
    "carries an earlier build's schema_migrations over without applying anything again",
    async () => {
      const db = await openDatabase(dir);
      await upsertEpisode(db, { ep_id: 'fotb-s01e01' });
      await sql`drop table kysely_migration`.execute(db.q);
      await sql`create table schema_migrations (version integer primary key, name text not null,
        applied_at text not null) strict`.execute(db.q);
      for (const [k, [name]] of MIGRATIONS.entries()) {
        await sql`insert into schema_migrations values (${k + 1}, ${`${name}.sql`}, '2026-11-01T00:00:00.000Z')`.execute(
          db.q,
        );
      }
      await db.close();
      const reopened = await openDatabase(dir);
      const states = await migrationStatus(reopened);
      expect(states).toEqual(
        MIGRATIONS.map(([name]) => ({ name, applied_at: '2026-11-01T00:00:00.000Z' })),
      );
      expect(await tableNames(reopened)).not.toContain('schema_migrations');
      expect(await getEpisode(reopened, 'fotb-s01e01')).not.toBeNull();
      await reopened.close();
    },
  );

  it.skipIf(TEST_ENGINE !== 'sqlite')(
    'shares one SQLite connection between the handles of a process, so a transaction spanning awaits never blocks the other handle',
    async () => {
      const a = await openDatabase(dir);
      const b = await openDatabase(dir);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const inA = transact(a, async (tx) => {
        await upsertEpisode(tx, { ep_id: 'fotb-s01e01' });
        await gate;
      });
      const viaB = upsertEpisode(b, { ep_id: 'fotb-s01e02' });
      release();
      await Promise.all([inA, viaB]);
      expect(await episodeCount(b)).toBe(2);
      await a.close();
      expect(await episodeCount(b)).toBe(2);
      await b.close();
    },
  );
});

describe('transact', () => {
  it('rolls every statement back when the work throws', async () => {
    const db = await openTestDatabase(dir);
    await expect(
      transact(db, async (tx) => {
        await upsertEpisode(tx, { ep_id: 'fotb-s01e01' });
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await episodeCount(db)).toBe(0);
    await db.close();
  });

  it('runs 20 concurrent read-then-write transactions one after another (no lost update)', async () => {
    const db = await openTestDatabase(dir);
    await upsertEpisode(db, { ep_id: 'fotb-s01e01', title: '0' });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        transact(db, async (tx) => {
          const ep = await getEpisode(tx, 'fotb-s01e01');
          await new Promise((r) => setTimeout(r, 2));
          await upsertEpisode(tx, { ep_id: 'fotb-s01e01', title: String(Number(ep!.title) + 1) });
        }),
      ),
    );
    expect((await getEpisode(db, 'fotb-s01e01'))?.title).toBe('20');
    await db.close();
  });
});
