/**
 * @module Shows and their cast members in the database. Each state change is one function running one transaction.
 */
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import { slugify } from '../ids.ts';
import type { Db } from './open.ts';

/** Roles of a cast member. */
export const CAST_ROLES = ['main', 'friend', 'guest', 'other'] as const;

/** A cast member's role. */
export type CastRole = (typeof CAST_ROLES)[number];

/** Statuses of a cast member: `inactive` ones are kept (their assignments stay) but not suggested. */
export const CAST_STATUSES = ['active', 'inactive'] as const;

/** A cast member's status. */
export type CastStatus = (typeof CAST_STATUSES)[number];

/** A `cast_members` row: a person of a show, across episodes. */
export interface CastMember {
  /** Show id (the `{show}` of its episodes' ids). */
  show_id: string;
  /** Cast id, a slug unique within the show (e.g. `jessica`). */
  cast_id: string;
  /** Display name. */
  name: string;
  /** Other names (credits, nicknames). */
  aliases: string[];
  /** Role in the show. */
  role: CastRole;
  /** Status. */
  status: CastStatus;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Last change, ISO 8601 UTC. */
  updated_at: string;
}

/** What a caller sets on a cast member; unset fields keep their value (or take the defaults on creation). */
export interface CastInput {
  /** Cast id; default on creation: the slug of `name`, made unique within the show. */
  cast_id?: string;
  /** Display name (required on creation). */
  name?: string;
  /** Other names. Default `[]`. */
  aliases?: string[];
  /** Role. Default `other`. */
  role?: CastRole;
  /** Status. Default `active`. */
  status?: CastStatus;
}

/** A show with its counts. */
export interface ShowSummary {
  /** Show id. */
  show_id: string;
  /** Display name. */
  name: string;
  /** Registered episodes. */
  episodes: number;
  /** Cast members. */
  cast: number;
}

const SLUG_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * @param kind - what the id names, for the message (`show id`, `cast id`)
 * @param s - candidate slug
 * @returns `s`
 * @throws InputError (`INPUT_INVALID`) when `s` is not a lower-case slug of at most 64 characters
 */
export function parseSlug(kind: string, s: string): string {
  if (!SLUG_RE.test(s)) {
    throw new InputError(
      `Invalid ${kind} ${JSON.stringify(s)}: expected a lower-case slug of letters, digits and -, e.g. jessica-huang`,
    );
  }
  return s;
}

type Row = Omit<CastMember, 'aliases'> & { aliases: string };

function fromRow(row: unknown): CastMember | null {
  return row ? { ...(row as Row), aliases: JSON.parse((row as Row).aliases) as string[] } : null;
}

/**
 * @returns every show with its episode and cast counts, by id
 */
export function listShows(db: Db): ShowSummary[] {
  return db
    .prepare(
      `SELECT s.show_id, s.name,
         (SELECT COUNT(*) FROM episodes e WHERE e.show_id = s.show_id) AS episodes,
         (SELECT COUNT(*) FROM cast_members c WHERE c.show_id = s.show_id) AS "cast"
       FROM shows s ORDER BY s.show_id`,
    )
    .all() as ShowSummary[];
}

/**
 * @returns the cast member, or null
 */
export function getCastMember(db: Db, showId: string, castId: string): CastMember | null {
  return fromRow(
    db.prepare('SELECT * FROM cast_members WHERE show_id = ? AND cast_id = ?').get(showId, castId),
  );
}

/**
 * @param db - open database
 * @param showId - show id
 * @param filter - `status`: only those; `limit`/`offset`: one page (default: all)
 * @returns the page of cast members by name, and the total that match
 */
export function listCastMembers(
  db: Db,
  showId: string,
  filter: { status?: CastStatus; limit?: number; offset?: number } = {},
): { items: CastMember[]; total: number } {
  const where = 'show_id = @show AND (@status IS NULL OR status = @status)';
  const params = { show: showId, status: filter.status ?? null };
  const total = db.prepare(`SELECT COUNT(*) FROM cast_members WHERE ${where}`).pluck().get(params);
  const items = db
    .prepare(
      `SELECT * FROM cast_members WHERE ${where} ORDER BY name, cast_id LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: filter.limit ?? -1, offset: filter.offset ?? 0 })
    .map((r) => fromRow(r)!);
  return { items, total: total as number };
}

function freeCastId(db: Db, showId: string, name: string): string {
  const base = (slugify(name) || 'cast').slice(0, 56).replace(/-+$/, '');
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!getCastMember(db, showId, id)) {
      return id;
    }
  }
}

/**
 * Creates a cast member, creating its show when absent.
 *
 * Preconditions: `input.name` is set; `input.cast_id`, when given, is free in the show.
 * Effects (one transaction): inserts `shows(show_id)` when absent; inserts the cast member.
 * Errors: InputError (`INPUT_INVALID`) for a bad show or cast id or an empty name; ConflictError (`CONFLICT`)
 * when the cast id is taken.
 * @returns the stored cast member
 */
export function createCastMember(
  db: Db,
  showId: string,
  input: CastInput,
  now: Date = new Date(),
): CastMember {
  parseSlug('show id', showId);
  const name = input.name?.trim() ?? '';
  if (name === '') {
    throw new InputError('A cast member needs a name: send {"name": "..."}');
  }
  const ts = now.toISOString();
  return db
    .transaction(() => {
      db.prepare(
        'INSERT INTO shows (show_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (show_id) DO NOTHING',
      ).run(showId, showId, ts);
      const castId =
        input.cast_id === undefined
          ? freeCastId(db, showId, name)
          : parseSlug('cast id', input.cast_id);
      if (getCastMember(db, showId, castId)) {
        throw new ConflictError(
          `Cast member ${castId} already exists in show ${showId}: pick another cast_id or PATCH it`,
        );
      }
      const row: CastMember = {
        show_id: showId,
        cast_id: castId,
        name,
        aliases: input.aliases ?? [],
        role: input.role ?? 'other',
        status: input.status ?? 'active',
        created_at: ts,
        updated_at: ts,
      };
      db.prepare(
        `INSERT INTO cast_members (show_id, cast_id, name, aliases, role, status, created_at, updated_at)
         VALUES (@show_id, @cast_id, @name, @aliases, @role, @status, @created_at, @updated_at)`,
      ).run({ ...row, aliases: JSON.stringify(row.aliases) });
      return row;
    })
    .immediate();
}

/**
 * Changes the given fields of a cast member.
 *
 * Preconditions: the cast member exists.
 * Effects (one transaction): updates the fields given and `updated_at`.
 * Errors: NotFoundError (`NOT_FOUND`) when it does not exist; InputError for an empty name.
 * @returns the stored cast member
 */
export function updateCastMember(
  db: Db,
  showId: string,
  castId: string,
  patch: Omit<CastInput, 'cast_id'>,
  now: Date = new Date(),
): CastMember {
  if (patch.name !== undefined && patch.name.trim() === '') {
    throw new InputError('A cast member needs a name: send a non-empty "name"');
  }
  return db
    .transaction(() => {
      const prev = requireCastMember(db, showId, castId);
      const next: CastMember = {
        ...prev,
        name: patch.name?.trim() ?? prev.name,
        aliases: patch.aliases ?? prev.aliases,
        role: patch.role ?? prev.role,
        status: patch.status ?? prev.status,
        updated_at: now.toISOString(),
      };
      db.prepare(
        `UPDATE cast_members SET name = @name, aliases = @aliases, role = @role, status = @status,
           updated_at = @updated_at WHERE show_id = @show_id AND cast_id = @cast_id`,
      ).run({ ...next, aliases: JSON.stringify(next.aliases) });
      return next;
    })
    .immediate();
}

/**
 * Deletes a cast member and its facebank images.
 *
 * Preconditions: it exists; no review of the show's episodes points at it.
 * Effects (one transaction): deletes the row (facebank images and cached centroids go with it).
 * Errors: NotFoundError (`NOT_FOUND`) when it does not exist; ConflictError (`CONFLICT`) naming the episodes whose
 * review assigns identities or tracks to it.
 */
export function deleteCastMember(db: Db, showId: string, castId: string): void {
  db.transaction(() => {
    requireCastMember(db, showId, castId);
    const episodes = db
      .prepare(
        `SELECT DISTINCT r.ep_id FROM reviews r JOIN episodes e ON e.ep_id = r.ep_id, json_each(r.cast_refs) j
         WHERE e.show_id = ? AND j.value = ? ORDER BY r.ep_id`,
      )
      .pluck()
      .all(showId, castId) as string[];
    if (episodes.length > 0) {
      throw new ConflictError(
        `Cast member ${castId} is still assigned in ${episodes.join(', ')}: unassign it there first, or set status inactive`,
      );
    }
    db.prepare('DELETE FROM cast_centroids WHERE show_id = ? AND cast_id = ?').run(showId, castId);
    db.prepare('DELETE FROM cast_members WHERE show_id = ? AND cast_id = ?').run(showId, castId);
  }).immediate();
}

/**
 * Counts, per cast member of a show, the episodes whose current review (the newest review of the episode) assigns
 * identities or tracks to it.
 * @param db - open database
 * @param showId - show id
 * @returns episodes per cast id; cast members assigned nowhere are absent
 */
export function countCastEpisodes(db: Db, showId: string): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT j.value AS cast_id, COUNT(DISTINCT r.ep_id) AS episodes
       FROM reviews r JOIN episodes e ON e.ep_id = r.ep_id, json_each(r.cast_refs) j
       WHERE e.show_id = ? AND r.review_id = (SELECT MAX(r2.review_id) FROM reviews r2 WHERE r2.ep_id = r.ep_id)
       GROUP BY j.value`,
    )
    .all(showId) as { cast_id: string; episodes: number }[];
  return new Map(rows.map((r) => [r.cast_id, r.episodes]));
}

/**
 * @returns the cast member
 * @throws NotFoundError (`NOT_FOUND`) naming the show and how to create it
 */
export function requireCastMember(db: Db, showId: string, castId: string): CastMember {
  const member = getCastMember(db, showId, castId);
  if (!member) {
    throw new NotFoundError(
      `Cast member ${JSON.stringify(castId)} does not exist in show ${showId}: create it with POST /shows/${showId}/cast`,
    );
  }
  return member;
}
