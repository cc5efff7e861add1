/** @module Tests of the reviews repository (edit log, versions, undo marks) on this run's engine (test/helpers/database.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { ConflictError } from '../../errors.ts';
import { upsertEpisode } from './episodes.repo.ts';
import type { Db } from './open.ts';
import {
  activeEdits,
  appendReviewEdit,
  createReview,
  getReview,
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

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-reviews-'));
  db = await openTestDatabase(dir);
  await upsertEpisode(db, { ep_id: 'fotb-s01e01' });
  const run = await createRun(db, { ep_id: 'fotb-s01e01', profile: 'balanced' });
  review = await createReview(
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
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createReview', () => {
  it('returns the existing review when (run, clustering) has one', async () => {
    const again = await createReview(
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
    expect(await latestEditedReview(db, 'fotb-s01e01', -1)).toBeNull();
  });

  it('stores a first edit as version 1, and concurrent creators get one review', async () => {
    const input = {
      ep_id: 'fotb-s01e01',
      run_id: review.run_id,
      clustering_id: 'c2',
      state: 's0',
      carried_from: review.review_id,
    };
    const made = await Promise.all(
      [1, 2, 3].map(() => createReview(db, input, plan('carry_over', 'c')())),
    );
    expect(new Set(made.map((r) => r.review_id)).size).toBe(1);
    expect(made[0]).toMatchObject({ version: 1, state: 'c', carried_from: review.review_id });
    expect((await listEdits(db, made[0]!.review_id, { limit: 10, offset: 0 })).total).toBe(1);
  });
});

describe('appendReviewEdit', () => {
  it('numbers edits, stores the state and refuses a stale expected version naming the edits since', async () => {
    const first = await appendReviewEdit(db, review.review_id, 0, plan('assign', 's1'));
    expect(first.review).toMatchObject({ version: 1, state: 's1' });
    expect(first.edit).toMatchObject({
      seq: 1,
      kind: 'assign',
      payload: { n: 's1' },
      reviewer: 'alice',
    });
    await appendReviewEdit(db, review.review_id, null, plan('merge', 's2'));
    await expect(appendReviewEdit(db, review.review_id, 1, plan('assign', 's3'))).rejects.toThrow(
      ConflictError,
    );
    await expect(appendReviewEdit(db, review.review_id, 1, plan('assign', 's3'))).rejects.toThrow(
      /edited since version 1 \(now 2\): #2 merge by alice/,
    );
    expect((await latestEditedReview(db, 'fotb-s01e01', -1))?.version).toBe(2);
  });

  it('stores nothing when the plan throws', async () => {
    await expect(
      appendReviewEdit(db, review.review_id, null, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await listEdits(db, review.review_id, { limit: 10, offset: 0 })).total).toBe(0);
    expect((await getReview(db, review.review_id))?.version).toBe(0);
  });

  it('serialises concurrent callers: every edit gets its own seq, and one expected version wins once', async () => {
    const edits = await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        appendReviewEdit(db, review.review_id, null, plan('assign', `s${k}`)),
      ),
    );
    expect(edits.map((e) => e.edit.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const raced = await Promise.allSettled(
      [1, 2, 3].map(() => appendReviewEdit(db, review.review_id, 8, plan('merge', 'm'))),
    );
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      raced.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError),
    ).toHaveLength(2);
    expect((await getReview(db, review.review_id))?.version).toBe(9);
  });

  it('marks undone edits and leaves them and the undo out of the active edits', async () => {
    await appendReviewEdit(db, review.review_id, null, plan('assign', 's1'));
    await appendReviewEdit(db, review.review_id, null, plan('merge', 's2'));
    await appendReviewEdit(db, review.review_id, null, plan('undo', 's1', [2]));
    expect((await activeEdits(db, review.review_id)).map((e) => e.seq)).toEqual([1]);
    const log = await listEdits(db, review.review_id, { limit: 2, offset: 0 });
    expect(log.total).toBe(3);
    expect(log.items.map((e) => [e.seq, e.undone_by])).toEqual([
      [3, null],
      [2, 'alice'],
    ]);
  });
});
