/** @module Tests of the reviews repository (edit log, versions, undo marks) against a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../errors.ts';
import { upsertEpisode } from './episodes.repo.ts';
import { openDatabase, type Db } from './open.ts';
import {
  activeEdits,
  appendReviewEdit,
  createReview,
  latestEditedReview,
  listEdits,
  type ReviewRow,
} from './reviews.repo.ts';
import { createRun } from './runs.repo.ts';

let dir: string;
let db: Db;
let review: ReviewRow;
const plan = (kind: string, state: string, undoSeqs?: number[]) => () => ({
  kind,
  payload: { n: state },
  reviewer: 'alice',
  state,
  castRefs: [],
  undoSeqs,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-reviews-'));
  db = openDatabase(dir);
  upsertEpisode(db, { ep_id: 'fotb-s01e01' });
  const run = createRun(db, { ep_id: 'fotb-s01e01', profile: 'balanced' });
  review = createReview(
    db,
    {
      ep_id: 'fotb-s01e01',
      run_id: run.run_id,
      clustering_id: 'c1',
      state: 's0',
      carried_from: null,
    },
    null,
  );
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createReview', () => {
  it('returns the existing review when (run, clustering) has one', () => {
    const again = createReview(
      db,
      {
        ep_id: 'fotb-s01e01',
        run_id: review.run_id,
        clustering_id: 'c1',
        state: 'other',
        carried_from: null,
      },
      plan('carry_over', 'x')(),
    );
    expect(again).toEqual(review);
    expect(latestEditedReview(db, 'fotb-s01e01', -1)).toBeNull();
  });
});

describe('appendReviewEdit', () => {
  it('numbers edits, stores the state and refuses a stale expected version naming the edits since', () => {
    const first = appendReviewEdit(db, review.review_id, 0, plan('assign', 's1'));
    expect(first.review).toMatchObject({ version: 1, state: 's1' });
    expect(first.edit).toMatchObject({
      seq: 1,
      kind: 'assign',
      payload: { n: 's1' },
      reviewer: 'alice',
    });
    appendReviewEdit(db, review.review_id, null, plan('merge', 's2'));
    expect(() => appendReviewEdit(db, review.review_id, 1, plan('assign', 's3'))).toThrow(
      ConflictError,
    );
    expect(() => appendReviewEdit(db, review.review_id, 1, plan('assign', 's3'))).toThrow(
      /edited since version 1 \(now 2\): #2 merge by alice/,
    );
    expect(latestEditedReview(db, 'fotb-s01e01', -1)?.version).toBe(2);
  });

  it('stores nothing when the plan throws', () => {
    expect(() =>
      appendReviewEdit(db, review.review_id, null, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(listEdits(db, review.review_id, { limit: 10, offset: 0 }).total).toBe(0);
  });

  it('marks undone edits and leaves them and the undo out of the active edits', () => {
    appendReviewEdit(db, review.review_id, null, plan('assign', 's1'));
    appendReviewEdit(db, review.review_id, null, plan('merge', 's2'));
    appendReviewEdit(db, review.review_id, null, plan('undo', 's1', [2]));
    expect(activeEdits(db, review.review_id).map((e) => e.seq)).toEqual([1]);
    const log = listEdits(db, review.review_id, { limit: 2, offset: 0 });
    expect(log.total).toBe(3);
    expect(log.items.map((e) => [e.seq, e.undone_by])).toEqual([
      [3, null],
      [2, 'alice'],
    ]);
  });
});
