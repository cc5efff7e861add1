/**
 * @module Migration 004: user accounts with roles, personal API tokens (only their SHA-256 is kept), browser
 * sessions, and the audit log of state-changing HTTP requests (who did what).
 */
import { sql } from 'kysely';
import type { SchemaMigration } from './ddl.ts';

/** Migration 004. */
export const accounts: SchemaMigration = {
  async up(db, { text, serialKey, finish }) {
    await finish(
      db.schema
        .createTable('users')
        .addColumn('user_id', 'integer', serialKey)
        .addColumn('name', text, (c) => c.notNull().unique())
        .addColumn('role', text, (c) => c.notNull())
        .addColumn('password_hash', text, (c) => c.notNull())
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('updated_at', text, (c) => c.notNull())
        .addCheckConstraint('users_role', sql`role in ('admin', 'reviewer', 'viewer')`),
    ).execute();
    await finish(
      db.schema
        .createTable('api_tokens')
        .addColumn('token_id', text, (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) =>
          c.notNull().references('users.user_id').onDelete('cascade'),
        )
        .addColumn('token_sha256', text, (c) => c.notNull().unique())
        .addColumn('label', text, (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', text, (c) => c.notNull())
        .addColumn('last_used_at', text),
    ).execute();
    await finish(
      db.schema
        .createTable('sessions')
        .addColumn('sid', text, (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.references('users.user_id').onDelete('cascade'))
        .addColumn('data', text, (c) => c.notNull())
        .addColumn('expires_at', text, (c) => c.notNull()),
    ).execute();
    await db.schema.createIndex('sessions_by_expiry').on('sessions').column('expires_at').execute();
    await finish(
      db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', serialKey)
        .addColumn('at', text, (c) => c.notNull())
        .addColumn('user_name', text, (c) => c.notNull())
        .addColumn('method', text, (c) => c.notNull())
        .addColumn('url', text, (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull()),
    ).execute();
  },
};
