/**
 * @module Reviews and their edit log in the database. A review is the reviewer's work on one clustering of a run;
 * its edits are appended, never rewritten (an undo marks them undone and is an edit itself). The folded state is
 * kept beside them as a cache. Every change is one function running one serialised transaction ({@link transact}).
 */
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { EpisodeId, RunId } from '../../types.ts';
import { transact, type Db } from './open.ts';

/** A `reviews` row. */
export interface ReviewRow {
  /** Review id. */
  review_id: number;
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run whose `identities.json` the edits apply to. */
  run_id: RunId;
  /** `marker_id` of the run's cluster marker the review started from. */
  clustering_id: string;
  /** Number of edits so far (undo included): what `expected_version` is compared with. */
  version: number;
  /** The folded edits as JSON text (its shape belongs to src/review). */
  state: string;
  /** Cast ids the state points at (assignments and track overrides). */
  cast_refs: string[];
  /** Review whose work was carried over into this one, or null. */
  carried_from: number | null;
  /** Creation time, ISO 8601 UTC. */
  created_at: string;
  /** Time of the last edit, ISO 8601 UTC. */
  updated_at: string;
}

/** A `review_edits` row. */
export interface EditRow {
  /** Review id. */
  review_id: number;
  /** Position in the log, 1-based: the review's version right after this edit. */
  seq: number;
  /** Edit kind (`assign`, `merge`, `undo`, ...). */
  kind: string;
  /** The edit's parameters (shape per kind, src/review). */
  payload: unknown;
  /** Who made it. */
  reviewer: string;
  /** When, ISO 8601 UTC. */
  created_at: string;
  /** When it was undone, or null. */
  undone_at: string | null;
  /** Who undid it, or null. */
  undone_by: string | null;
}

/** A new review. */
export interface NewReview {
  /** Episode id. */
  ep_id: EpisodeId;
  /** Run id. */
  run_id: RunId;
  /** Cluster marker id. */
  clustering_id: string;
  /** Initial state JSON. */
  state: string;
  /** Review carried over, or null. */
  carried_from: number | null;
}

/** What an edit changes, computed by the caller from the review as it is inside the transaction. */
export interface EditPlan {
  /** Edit kind. */
  kind: string;
  /** Edit parameters (stored as JSON). */
  payload: unknown;
  /** Who. */
  reviewer: string;
  /** Seqs of the earlier edits this one marks undone (an undo). */
  undoSeqs?: number[];
  /** The state after the edit, JSON text. */
  state: string;
  /** Cast ids the new state points at. */
  castRefs: string[];
}

type Row = Omit<ReviewRow, 'cast_refs'> & { cast_refs: string };

function fromRow(row: unknown): ReviewRow | null {
  return row
    ? { ...(row as Row), cast_refs: JSON.parse((row as Row).cast_refs) as string[] }
    : null;
}

function editFromRow(row: unknown): EditRow {
  const r = row as Omit<EditRow, 'payload'> & { payload: string };
  return { ...r, payload: JSON.parse(r.payload) as unknown };
}

/**
 * @returns the review of (run, clustering), or null
 */
export async function findReview(
  db: Db,
  runId: RunId,
  clusteringId: string,
): Promise<ReviewRow | null> {
  return fromRow(
    await db.q
      .selectFrom('reviews')
      .selectAll()
      .where('run_id', '=', runId)
      .where('clustering_id', '=', clusteringId)
      .executeTakeFirst(),
  );
}

/**
 * @returns the newest review of the episode with at least one edit, other than `exceptId`, or null
 */
export async function latestEditedReview(
  db: Db,
  epId: EpisodeId,
  exceptId: number,
): Promise<ReviewRow | null> {
  return fromRow(
    await db.q
      .selectFrom('reviews')
      .selectAll()
      .where('ep_id', '=', epId)
      .where('review_id', '!=', exceptId)
      .where('version', '>', 0)
      .orderBy('review_id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  );
}

/**
 * Creates the review of a clustering, with an optional first edit (a carry-over).
 *
 * Preconditions: the episode and run exist.
 * Effects (one transaction): inserts the review unless (run, clustering) has one already (another process was
 * first: its review is returned and `first` is dropped); with `first`, inserts it as edit 1 and sets version 1.
 * Errors: none beyond the database's.
 * @returns the review of (run, clustering)
 */
export async function createReview(
  db: Db,
  input: NewReview,
  first: EditPlan | null,
  now: Date = new Date(),
): Promise<ReviewRow> {
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    const existing = await findReview(tx, input.run_id, input.clustering_id);
    if (existing) {
      return existing;
    }
    const { review_id: reviewId } = await tx.q
      .insertInto('reviews')
      .values({
        ep_id: input.ep_id,
        run_id: input.run_id,
        clustering_id: input.clustering_id,
        version: 0,
        state: input.state,
        cast_refs: '[]',
        carried_from: input.carried_from,
        created_at: ts,
        updated_at: ts,
      })
      .returning('review_id')
      .executeTakeFirstOrThrow();
    if (first) {
      await writeEdit(tx, reviewId, 1, first, ts);
    }
    return (await getReview(tx, reviewId))!;
  });
}

async function writeEdit(
  tx: Db,
  reviewId: number,
  seq: number,
  plan: EditPlan,
  ts: string,
): Promise<void> {
  await tx.q
    .insertInto('review_edits')
    .values({
      review_id: reviewId,
      seq,
      kind: plan.kind,
      payload: JSON.stringify(plan.payload),
      reviewer: plan.reviewer,
      created_at: ts,
    })
    .execute();
  const undoSeqs = plan.undoSeqs ?? [];
  if (undoSeqs.length > 0) {
    await tx.q
      .updateTable('review_edits')
      .set({ undone_at: ts, undone_by: plan.reviewer })
      .where('review_id', '=', reviewId)
      .where('seq', 'in', undoSeqs)
      .where('undone_at', 'is', null)
      .execute();
  }
  await tx.q
    .updateTable('reviews')
    .set({
      version: seq,
      state: plan.state,
      cast_refs: JSON.stringify(plan.castRefs),
      updated_at: ts,
    })
    .where('review_id', '=', reviewId)
    .execute();
}

async function describeSince(tx: Db, reviewId: number, version: number): Promise<string> {
  const rows = await tx.q
    .selectFrom('review_edits')
    .selectAll()
    .where('review_id', '=', reviewId)
    .where('seq', '>', version)
    .orderBy('seq')
    .limit(5)
    .execute();
  return rows
    .map(editFromRow)
    .map((e) => `#${e.seq} ${e.kind} by ${e.reviewer} at ${e.created_at}`)
    .join('; ');
}

/**
 * Appends one edit to a review.
 *
 * Preconditions: the review exists; when `expectedVersion` is not null, the review is at that version.
 * Effects (one transaction): calls `plan` with the review as it is now and the transaction (it reads through that
 * handle only, and throws to refuse the edit), inserts the edit with seq = version + 1, marks `undoSeqs` undone,
 * stores the new state, cast refs and version. Concurrent callers (any process, either engine) queue: each sees
 * the version the previous one left.
 * Errors: NotFoundError (`NOT_FOUND`) when the review does not exist; ConflictError (`CONFLICT`) when the version
 * moved on since `expectedVersion`, naming the edits made since; whatever `plan` throws.
 * @returns the review after the edit and the stored edit
 */
export async function appendReviewEdit(
  db: Db,
  reviewId: number,
  expectedVersion: number | null,
  plan: (review: ReviewRow, tx: Db) => EditPlan | Promise<EditPlan>,
  now: Date = new Date(),
): Promise<{ review: ReviewRow; edit: EditRow }> {
  const ts = now.toISOString();
  return transact(db, async (tx) => {
    const review = await getReview(tx, reviewId);
    if (!review) {
      throw new NotFoundError(`Review ${reviewId} does not exist: reload the episode`);
    }
    if (expectedVersion !== null && expectedVersion !== review.version) {
      throw new ConflictError(
        `Episode ${review.ep_id} was edited since version ${expectedVersion} (now ${review.version}): ${await describeSince(tx, reviewId, expectedVersion)}; reload and retry`,
      );
    }
    const seq = review.version + 1;
    await writeEdit(tx, reviewId, seq, await plan(review, tx), ts);
    const edit = await tx.q
      .selectFrom('review_edits')
      .selectAll()
      .where('review_id', '=', reviewId)
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    return { review: (await getReview(tx, reviewId))!, edit: editFromRow(edit) };
  });
}

/**
 * @returns the edits of a review that are in force, oldest first: not undone, and not undo edits themselves
 */
export async function activeEdits(db: Db, reviewId: number): Promise<EditRow[]> {
  const rows = await db.q
    .selectFrom('review_edits')
    .selectAll()
    .where('review_id', '=', reviewId)
    .where('undone_at', 'is', null)
    .where('kind', '!=', 'undo')
    .orderBy('seq')
    .execute();
  return rows.map(editFromRow);
}

/**
 * @param db - open database
 * @param reviewId - review id
 * @param page - `limit` and `offset`
 * @returns one page of the edit log, newest first, and the number of edits
 */
export async function listEdits(
  db: Db,
  reviewId: number,
  page: { limit: number; offset: number },
): Promise<{ items: EditRow[]; total: number }> {
  const { total } = await db.q
    .selectFrom('review_edits')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('review_id', '=', reviewId)
    .executeTakeFirstOrThrow();
  const rows = await db.q
    .selectFrom('review_edits')
    .selectAll()
    .where('review_id', '=', reviewId)
    .orderBy('seq', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items: rows.map(editFromRow), total };
}

/**
 * @returns the review, or null
 */
export async function getReview(db: Db, reviewId: number): Promise<ReviewRow | null> {
  return fromRow(
    await db.q
      .selectFrom('reviews')
      .selectAll()
      .where('review_id', '=', reviewId)
      .executeTakeFirst(),
  );
}
