/** @module Tests of openDatabase and migrations against a real SQLite file. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { migrate, MIGRATIONS_DIR } from './migrate.ts';
import { openDatabase } from './open.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('turns on WAL, foreign keys and the busy timeout when opening', () => {
    const db = openDatabase(join(dir, 'data'), { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });

  it('applies each migration once when opened twice', () => {
    const first = openDatabase(dir);
    const tables = first
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual([
      'api_tokens',
      'audit_log',
      'cast_centroids',
      'cast_members',
      'episodes',
      'facebank_images',
      'jobs',
      'review_edits',
      'review_jobs',
      'review_results',
      'reviews',
      'runs',
      'schema_migrations',
      'sessions',
      'shows',
      'users',
    ]);
    first.close();
    const second = openDatabase(dir);
    expect(second.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
      { version: 1, name: '001-init.sql' },
      { version: 2, name: '002-jobs.sql' },
      { version: 3, name: '003-review.sql' },
      { version: 4, name: '004-accounts.sql' },
    ]);
    expect(migrate(second)).toEqual([]);
    second.close();
  });
});

describe('migrate', () => {
  it('applies only the new migration when a later file is added', () => {
    const migrations = join(dir, 'migrations');
    cpSync(MIGRATIONS_DIR, migrations, { recursive: true });
    const db = openDatabase(dir);
    writeFileSync(
      join(migrations, '900-notes.sql'),
      'CREATE TABLE notes (id INTEGER PRIMARY KEY) STRICT;',
    );
    writeFileSync(join(migrations, 'README.md'), 'not a migration');
    expect(migrate(db, migrations)).toEqual(['900-notes.sql']);
    expect(migrate(db, migrations)).toEqual([]);
    db.close();
  });

  it('throws an AppError when the database has a migration this build lacks', () => {
    const db = openDatabase(dir);
    db.prepare(
      "INSERT INTO schema_migrations VALUES (999, '999-future.sql', '2030-01-01T00:00:00.000Z')",
    ).run();
    db.close();
    expect(() => openDatabase(dir)).toThrow(AppError);
    expect(() => openDatabase(dir)).toThrow(/migration 999 unknown to this build/);
  });
});
