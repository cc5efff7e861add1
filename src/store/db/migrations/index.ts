/**
 * @module The schema migrations in order. A migration's name is its version and title (`NNN-title`); the names of
 * 001-004 are those the earlier `.sql` migrations were recorded under, so an existing SQLite file carries on.
 */
import { init } from './001-init.ts';
import { jobs } from './002-jobs.ts';
import { review } from './003-review.ts';
import { accounts } from './004-accounts.ts';
import { instance } from './005-instance.ts';
import { oneJobsTable } from './006-one-jobs-table.ts';
import type { SchemaMigration } from './ddl.ts';

/** Every migration, by name, in the order they apply. */
export const MIGRATIONS: ReadonlyArray<readonly [string, SchemaMigration]> = [
  ['001-init', init],
  ['002-jobs', jobs],
  ['003-review', review],
  ['004-accounts', accounts],
  ['005-instance', instance],
  ['006-one-jobs-table', oneJobsTable],
];
