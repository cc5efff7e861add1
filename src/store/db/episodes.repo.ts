/**
 * @module Episodes (and their shows) in the database. Each state change is one function running one transaction.
 */
import { NotFoundError } from '../../errors.ts';
import type { EpisodeId } from '../../types.ts';
import { parseEpisodeId, splitEpisodeId } from '../ids.ts';
import { transact, type Db } from './open.ts';

/** An `episodes` row. */
export interface Episode {
  /** Episode id, `{show}-s{SS}e{EE}`. */
  ep_id: EpisodeId;
  /** Show id: the `{show}` part of `ep_id`. */
  show_id: string;
  /** Season number. */
  season: number;
  /** Episode number within the season. */
  episode: number;
  /** Human title, e.g. `Pilot`. */
  title: string | null;
  /** Registered video path (see `source.json` for the probe). */
  video_path: string | null;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Last change, ISO 8601 UTC. */
  updated_at: string;
}

/** What a caller sets on an episode; `show_id`, `season` and `episode` come from `ep_id`. */
export interface EpisodeInput {
  /** Episode id, validated. */
  ep_id: string;
  /** Display name of the show; sets the show's name when given (default for a new show: its id). */
  show_name?: string;
  /** Title; `undefined` keeps the stored value, `null` clears it. */
  title?: string | null;
  /** Video path; `undefined` keeps the stored value, `null` clears it. */
  video_path?: string | null;
}

/**
 * Creates or updates an episode, creating its show when absent.
 *
 * Preconditions: `input.ep_id` is a valid episode id.
 * Effects (one transaction): inserts `shows(show_id)` when absent (or renames it when `show_name` is given);
 * inserts the episode, or updates the fields given, keeping `created_at` and setting `updated_at = now`.
 * Errors: InputError (`INPUT_INVALID`) on a bad `ep_id`.
 * @param db - open database
 * @param input - the episode
 * @param now - time of the change (default: the current time)
 * @returns the stored episode
 */
export async function upsertEpisode(
  db: Db,
  input: EpisodeInput,
  now: Date = new Date(),
): Promise<Episode> {
  const { show, season, episode } = splitEpisodeId(input.ep_id);
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    await tx.q
      .insertInto('shows')
      .values({ show_id: show, name: input.show_name ?? show, created_at: ts })
      .onConflict((oc) => oc.column('show_id').doNothing())
      .execute();
    if (input.show_name !== undefined) {
      await tx.q
        .updateTable('shows')
        .set({ name: input.show_name })
        .where('show_id', '=', show)
        .execute();
    }
    const prev = await getEpisode(tx, input.ep_id);
    const row: Episode = {
      ep_id: input.ep_id,
      show_id: show,
      season,
      episode,
      title: input.title === undefined ? (prev?.title ?? null) : input.title,
      video_path: input.video_path === undefined ? (prev?.video_path ?? null) : input.video_path,
      created_at: prev?.created_at ?? ts,
      updated_at: ts,
    };
    await tx.q
      .insertInto('episodes')
      .values(row)
      .onConflict((oc) =>
        oc.column('ep_id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          video_path: eb.ref('excluded.video_path'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    return row;
  });
}

/**
 * @param db - open database
 * @param epId - episode id
 * @returns the episode, or null when it is not registered
 * @throws InputError (`INPUT_INVALID`) on a bad `epId`
 */
export async function getEpisode(db: Db, epId: string): Promise<Episode | null> {
  const row = await db.q
    .selectFrom('episodes')
    .selectAll()
    .where('ep_id', '=', parseEpisodeId(epId))
    .executeTakeFirst();
  return row ?? null;
}

/**
 * @param db - open database
 * @param filter - `showId`: only that show's episodes
 * @returns episodes ordered by show, season, episode
 */
export async function listEpisodes(db: Db, filter: { showId?: string } = {}): Promise<Episode[]> {
  let query = db.q.selectFrom('episodes').selectAll();
  if (filter.showId !== undefined) {
    query = query.where('show_id', '=', filter.showId);
  }
  return query.orderBy('show_id').orderBy('season').orderBy('episode').execute();
}

/**
 * Deletes an episode from the database.
 *
 * Preconditions: the episode exists.
 * Effects (one statement): deletes the `episodes` row; its `runs` rows go with it (ON DELETE CASCADE). The show
 * and the files under `episodes/{ep_id}/` are kept: removing files is the caller's decision.
 * Errors: InputError (`INPUT_INVALID`) on a bad `epId`; NotFoundError (`NOT_FOUND`) when it is not registered.
 * @param db - open database
 * @param epId - episode id
 */
export async function deleteEpisode(db: Db, epId: string): Promise<void> {
  parseEpisodeId(epId);
  const { numDeletedRows } = await db.q
    .deleteFrom('episodes')
    .where('ep_id', '=', epId)
    .executeTakeFirstOrThrow();
  if (numDeletedRows === 0n) {
    throw new NotFoundError(`Episode ${epId} is not registered: list episodes to see the ids`);
  }
}
