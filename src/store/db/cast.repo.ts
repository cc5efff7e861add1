/**
 * @module Shows and their cast members in the database. Each state change is one function running one transaction.
 */
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import { slugify } from '../ids.ts';
import { transact, type Db } from './open.ts';

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
export async function listShows(db: Db): Promise<ShowSummary[]> {
  return db.q
    .selectFrom('shows as s')
    .select((eb) => [
      's.show_id',
      's.name',
      eb
        .selectFrom('episodes as e')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('e.show_id', '=', 's.show_id')
        .$asScalar()
        .$notNull()
        .as('episodes'),
      eb
        .selectFrom('cast_members as c')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('c.show_id', '=', 's.show_id')
        .$asScalar()
        .$notNull()
        .as('cast'),
    ])
    .orderBy('s.show_id')
    .execute();
}

/**
 * @returns the cast member, or null
 */
export async function getCastMember(
  db: Db,
  showId: string,
  castId: string,
): Promise<CastMember | null> {
  return fromRow(
    await db.q
      .selectFrom('cast_members')
      .selectAll()
      .where('show_id', '=', showId)
      .where('cast_id', '=', castId)
      .executeTakeFirst(),
  );
}

/**
 * @param db - open database
 * @param showId - show id
 * @param filter - `status`: only those; `limit`/`offset`: one page (default: all)
 * @returns the page of cast members by name, and the total that match
 */
export async function listCastMembers(
  db: Db,
  showId: string,
  filter: { status?: CastStatus; limit?: number; offset?: number } = {},
): Promise<{ items: CastMember[]; total: number }> {
  let matching = db.q.selectFrom('cast_members').where('show_id', '=', showId);
  if (filter.status !== undefined) {
    matching = matching.where('status', '=', filter.status);
  }
  const { total } = await matching
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const ordered = matching.selectAll().orderBy('name').orderBy('cast_id');
  const offset = filter.offset ?? 0;
  // Without a limit, OFFSET alone is not portable (SQLite wants LIMIT -1, PostgreSQL refuses it): skip in memory.
  const rows =
    filter.limit === undefined
      ? (await ordered.execute()).slice(offset)
      : await ordered.limit(filter.limit).offset(offset).execute();
  return { items: rows.map((r) => fromRow(r)!), total };
}

async function freeCastId(tx: Db, showId: string, name: string): Promise<string> {
  const base = (slugify(name) || 'cast').slice(0, 56).replace(/-+$/, '');
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!(await getCastMember(tx, showId, id))) {
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
export async function createCastMember(
  db: Db,
  showId: string,
  input: CastInput,
  now: Date = new Date(),
): Promise<CastMember> {
  parseSlug('show id', showId);
  const name = input.name?.trim() ?? '';
  if (name === '') {
    throw new InputError('A cast member needs a name: send {"name": "..."}');
  }
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    await tx.q
      .insertInto('shows')
      .values({ show_id: showId, name: showId, created_at: ts })
      .onConflict((oc) => oc.column('show_id').doNothing())
      .execute();
    const castId =
      input.cast_id === undefined
        ? await freeCastId(tx, showId, name)
        : parseSlug('cast id', input.cast_id);
    if (await getCastMember(tx, showId, castId)) {
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
    await tx.q
      .insertInto('cast_members')
      .values({ ...row, aliases: JSON.stringify(row.aliases) })
      .execute();
    return row;
  });
}

/**
 * Changes the given fields of a cast member.
 *
 * Preconditions: the cast member exists.
 * Effects (one transaction): updates the fields given and `updated_at`.
 * Errors: NotFoundError (`NOT_FOUND`) when it does not exist; InputError for an empty name.
 * @returns the stored cast member
 */
export async function updateCastMember(
  db: Db,
  showId: string,
  castId: string,
  patch: Omit<CastInput, 'cast_id'>,
  now: Date = new Date(),
): Promise<CastMember> {
  if (patch.name !== undefined && patch.name.trim() === '') {
    throw new InputError('A cast member needs a name: send a non-empty "name"');
  }
  return transact(db, async (tx) => {
    const prev = await requireCastMember(tx, showId, castId);
    const next: CastMember = {
      ...prev,
      name: patch.name?.trim() ?? prev.name,
      aliases: patch.aliases ?? prev.aliases,
      role: patch.role ?? prev.role,
      status: patch.status ?? prev.status,
      updated_at: now.toISOString(),
    };
    await tx.q
      .updateTable('cast_members')
      .set({
        name: next.name,
        aliases: JSON.stringify(next.aliases),
        role: next.role,
        status: next.status,
        updated_at: next.updated_at,
      })
      .where('show_id', '=', showId)
      .where('cast_id', '=', castId)
      .execute();
    return next;
  });
}

/**
 * The reviews of a show's episodes with the cast ids each points at.
 * @param newestOnly - only the current review of each episode (its newest)
 */
async function showReviewRefs(
  db: Db,
  showId: string,
  newestOnly: boolean,
): Promise<{ ep_id: string; castRefs: Set<string> }[]> {
  let query = db.q
    .selectFrom('reviews as r')
    .innerJoin('episodes as e', 'e.ep_id', 'r.ep_id')
    .select(['r.ep_id', 'r.cast_refs'])
    .where('e.show_id', '=', showId);
  if (newestOnly) {
    query = query.where('r.review_id', '=', (eb) =>
      eb
        .selectFrom('reviews as r2')
        .select((m) => m.fn.max('r2.review_id').as('newest'))
        .whereRef('r2.ep_id', '=', 'r.ep_id'),
    );
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    ep_id: r.ep_id,
    castRefs: new Set(JSON.parse(r.cast_refs) as string[]),
  }));
}

/**
 * Deletes a cast member and its facebank images.
 *
 * Preconditions: it exists; no review of the show's episodes points at it.
 * Effects (one transaction): deletes the row (facebank images and cached centroids go with it).
 * Errors: NotFoundError (`NOT_FOUND`) when it does not exist; ConflictError (`CONFLICT`) naming the episodes whose
 * review assigns identities or tracks to it.
 */
export async function deleteCastMember(db: Db, showId: string, castId: string): Promise<void> {
  await transact(db, async (tx) => {
    await requireCastMember(tx, showId, castId);
    const episodes = [
      ...new Set(
        (await showReviewRefs(tx, showId, false))
          .filter((r) => r.castRefs.has(castId))
          .map((r) => r.ep_id),
      ),
    ].sort();
    if (episodes.length > 0) {
      throw new ConflictError(
        `Cast member ${castId} is still assigned in ${episodes.join(', ')}: unassign it there first, or set status inactive`,
      );
    }
    await tx.q
      .deleteFrom('cast_centroids')
      .where('show_id', '=', showId)
      .where('cast_id', '=', castId)
      .execute();
    await tx.q
      .deleteFrom('cast_members')
      .where('show_id', '=', showId)
      .where('cast_id', '=', castId)
      .execute();
  });
}

/**
 * Counts, per cast member of a show, the episodes whose current review (the newest review of the episode) assigns
 * identities or tracks to it.
 * @param db - open database
 * @param showId - show id
 * @returns episodes per cast id; cast members assigned nowhere are absent
 */
export async function countCastEpisodes(db: Db, showId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { castRefs } of await showReviewRefs(db, showId, true)) {
    for (const castId of castRefs) {
      counts.set(castId, (counts.get(castId) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * @returns the cast member
 * @throws NotFoundError (`NOT_FOUND`) naming the show and how to create it
 */
export async function requireCastMember(
  db: Db,
  showId: string,
  castId: string,
): Promise<CastMember> {
  const member = await getCastMember(db, showId, castId);
  if (!member) {
    throw new NotFoundError(
      `Cast member ${JSON.stringify(castId)} does not exist in show ${showId}: create it with POST /shows/${showId}/cast`,
    );
  }
  return member;
}
