/**
 * @module Reviews and their edit log in the database. A review is the reviewer's work on one clustering of a run;
 * its edits are appended, never rewritten (an undo marks them undone and is an edit itself). The folded state is
 * kept beside them as a cache. Every change is one function running one IMMEDIATE transaction.
 */
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { EpisodeId, RunId } from '../../types.ts';
import type { Db } from './open.ts';

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
export function findReview(db: Db, runId: RunId, clusteringId: string): ReviewRow | null {
  return fromRow(
    db
      .prepare('SELECT * FROM reviews WHERE run_id = ? AND clustering_id = ?')
      .get(runId, clusteringId),
  );
}

/**
 * @returns the newest review of the episode with at least one edit, other than `exceptId`, or null
 */
export function latestEditedReview(db: Db, epId: EpisodeId, exceptId: number): ReviewRow | null {
  return fromRow(
    db
      .prepare(
        'SELECT * FROM reviews WHERE ep_id = ? AND review_id != ? AND version > 0 ORDER BY review_id DESC LIMIT 1',
      )
      .get(epId, exceptId),
  );
}

/**
 * Creates the review of a clustering, with an optional first edit (a carry-over).
 *
 * Preconditions: the episode and run exist.
 * Effects (one transaction): inserts the review unless (run, clustering) has one already (another process was
 * first: its review is returned and `first` is dropped); with `first`, inserts it as edit 1 and sets version 1.
 * Errors: none beyond SQLite's.
 * @returns the review of (run, clustering)
 */
export function createReview(
  db: Db,
  input: NewReview,
  first: EditPlan | null,
  now: Date = new Date(),
): ReviewRow {
  const ts = now.toISOString();
  return db
    .transaction(() => {
      const existing = findReview(db, input.run_id, input.clustering_id);
      if (existing) {
        return existing;
      }
      const { review_id: reviewId } = db
        .prepare(
          `INSERT INTO reviews (ep_id, run_id, clustering_id, version, state, cast_refs, carried_from, created_at, updated_at)
           VALUES (@ep_id, @run_id, @clustering_id, 0, @state, '[]', @carried_from, @ts, @ts) RETURNING review_id`,
        )
        .get({ ...input, ts }) as { review_id: number };
      if (first) {
        writeEdit(db, reviewId, 1, first, ts);
      }
      return fromRow(db.prepare('SELECT * FROM reviews WHERE review_id = ?').get(reviewId))!;
    })
    .immediate();
}

function writeEdit(db: Db, reviewId: number, seq: number, plan: EditPlan, ts: string): void {
  db.prepare(
    `INSERT INTO review_edits (review_id, seq, kind, payload, reviewer, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(reviewId, seq, plan.kind, JSON.stringify(plan.payload), plan.reviewer, ts);
  for (const undone of plan.undoSeqs ?? []) {
    db.prepare(
      'UPDATE review_edits SET undone_at = ?, undone_by = ? WHERE review_id = ? AND seq = ? AND undone_at IS NULL',
    ).run(ts, plan.reviewer, reviewId, undone);
  }
  db.prepare(
    'UPDATE reviews SET version = ?, state = ?, cast_refs = ?, updated_at = ? WHERE review_id = ?',
  ).run(seq, plan.state, JSON.stringify(plan.castRefs), ts, reviewId);
}

function describeSince(db: Db, reviewId: number, version: number): string {
  const rows = db
    .prepare('SELECT * FROM review_edits WHERE review_id = ? AND seq > ? ORDER BY seq LIMIT 5')
    .all(reviewId, version)
    .map(editFromRow);
  return rows.map((e) => `#${e.seq} ${e.kind} by ${e.reviewer} at ${e.created_at}`).join('; ');
}

/**
 * Appends one edit to a review.
 *
 * Preconditions: the review exists; when `expectedVersion` is not null, the review is at that version.
 * Effects (one transaction): calls `plan` with the review as it is now (it throws to refuse the edit), inserts the
 * edit with seq = version + 1, marks `undoSeqs` undone, stores the new state, cast refs and version.
 * Errors: NotFoundError (`NOT_FOUND`) when the review does not exist; ConflictError (`CONFLICT`) when the version
 * moved on since `expectedVersion`, naming the edits made since; whatever `plan` throws.
 * @returns the review after the edit and the stored edit
 */
export function appendReviewEdit(
  db: Db,
  reviewId: number,
  expectedVersion: number | null,
  plan: (review: ReviewRow) => EditPlan,
  now: Date = new Date(),
): { review: ReviewRow; edit: EditRow } {
  const ts = now.toISOString();
  return db
    .transaction(() => {
      const review = fromRow(db.prepare('SELECT * FROM reviews WHERE review_id = ?').get(reviewId));
      if (!review) {
        throw new NotFoundError(`Review ${reviewId} does not exist: reload the episode`);
      }
      if (expectedVersion !== null && expectedVersion !== review.version) {
        throw new ConflictError(
          `Episode ${review.ep_id} was edited since version ${expectedVersion} (now ${review.version}): ${describeSince(db, reviewId, expectedVersion)}; reload and retry`,
        );
      }
      const seq = review.version + 1;
      writeEdit(db, reviewId, seq, plan(review), ts);
      const edit = db
        .prepare('SELECT * FROM review_edits WHERE review_id = ? AND seq = ?')
        .get(reviewId, seq);
      const after = fromRow(db.prepare('SELECT * FROM reviews WHERE review_id = ?').get(reviewId))!;
      return { review: after, edit: editFromRow(edit) };
    })
    .immediate();
}

/**
 * @returns the edits of a review that are in force, oldest first: not undone, and not undo edits themselves
 */
export function activeEdits(db: Db, reviewId: number): EditRow[] {
  return db
    .prepare(
      `SELECT * FROM review_edits WHERE review_id = ? AND undone_at IS NULL AND kind != 'undo' ORDER BY seq`,
    )
    .all(reviewId)
    .map(editFromRow);
}

/**
 * @param db - open database
 * @param reviewId - review id
 * @param page - `limit` and `offset`
 * @returns one page of the edit log, newest first, and the number of edits
 */
export function listEdits(
  db: Db,
  reviewId: number,
  page: { limit: number; offset: number },
): { items: EditRow[]; total: number } {
  const total = db
    .prepare('SELECT COUNT(*) FROM review_edits WHERE review_id = ?')
    .pluck()
    .get(reviewId) as number;
  const items = db
    .prepare('SELECT * FROM review_edits WHERE review_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?')
    .all(reviewId, page.limit, page.offset)
    .map(editFromRow);
  return { items, total };
}

/**
 * @returns the review, or null
 */
export function getReview(db: Db, reviewId: number): ReviewRow | null {
  return fromRow(db.prepare('SELECT * FROM reviews WHERE review_id = ?').get(reviewId));
}
