/**
 * @module Two reviewers editing one episode at once through two real API processes (`screenalytics serve`) on one
 * data directory: nothing is lost — every edit is in the log with its reviewer, or refused with a 409 that names
 * the edit it collided with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, bearerOf, httpAs } from '../helpers/accounts.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { JobsWorld } from '../jobs/harness.ts';
import { makeFourShots, runPipeline } from './world.ts';

const EP = 'two-s01e01';

let world: JobsWorld;
let work = '';
let apiA = '';
let apiB = '';
/** `authorization` of the reviewers alice and bob (API tokens). */
const auth = { alice: '', bob: '' };

interface Edit {
  seq: number;
  kind: string;
  reviewer: string;
}

async function version(): Promise<number> {
  return (await httpAs<{ version: number }>(auth.alice, 'GET', `${apiA}/episodes/${EP}/review`))
    .body.version;
}

async function editLog(): Promise<Edit[]> {
  const url = `${apiB}/episodes/${EP}/edits?page_size=500`;
  return (await httpAs<{ items: Edit[] }>(auth.bob, 'GET', url)).body.items;
}

beforeAll(async () => {
  world = await JobsWorld.create();
  work = await makeTempDir('sa-review-two-');
  await runPipeline(world.dataDir, await makeFourShots(work), EP);
  await addUsers(world.dataDir, { alice: 'reviewer', bob: 'reviewer' });
  auth.alice = await bearerOf(world.dataDir, 'alice');
  auth.bob = await bearerOf(world.dataDir, 'bob');
  const [a, b] = await Promise.all([world.startApi(), world.startApi()]);
  apiA = a.url;
  apiB = b.url;
  await httpAs(auth.alice, 'POST', `${apiA}/shows/two/cast/import`, {
    csv: 'cast_id,name\nfranck,Franck\ncap,Cap\n',
  });
});

afterAll(async () => {
  await world?.close();
  await removeTempDir(work);
});

describe('two reviewers at once', () => {
  it('keeps every edit, in one order, when 20 edits of two reviewers reach two API processes together', async () => {
    const v0 = await version();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const [url, reviewer] = i % 2 === 0 ? [apiA, auth.alice] : [apiB, auth.bob];
        const body = i % 4 < 2 ? { cast_id: i % 2 === 0 ? 'franck' : 'cap' } : {};
        const identity = i % 2 === 0 ? 'id_0001' : 'id_0002';
        const action = i % 4 < 2 ? 'assign' : 'unassign';
        return httpAs(
          reviewer,
          'POST',
          `${url}/episodes/${EP}/identities/${identity}/${action}`,
          body,
        );
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await version()).toBe(v0 + 20);
    const log = (await editLog()).filter((e) => e.seq > v0);
    expect(log.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => v0 + i + 1),
    );
    expect(log.filter((e) => e.reviewer === 'alice')).toHaveLength(10);
    expect(log.filter((e) => e.reviewer === 'bob')).toHaveLength(10);
  });

  it('keeps both when alice and bob change different things of the same identities', async () => {
    await Promise.all([
      httpAs(auth.alice, 'POST', `${apiA}/episodes/${EP}/identities/id_0001/assign`, {
        cast_id: 'franck',
      }),
      httpAs(auth.bob, 'POST', `${apiB}/episodes/${EP}/tracks/override`, {
        track_ids: [3],
        cast_id: 'cap',
      }),
    ]);
    const tracks = await httpAs<{
      items: { track_id: number; cast_id: string; override: { by: string } | null }[];
    }>(auth.bob, 'GET', `${apiB}/episodes/${EP}/identities/id_0001/tracks`);
    expect(tracks.body.items.map((t) => [t.track_id, t.cast_id, t.override?.by ?? null])).toEqual([
      [1, 'franck', null],
      [3, 'cap', 'bob'],
    ]);
  });

  it('admits exactly one of 10 edits made against the same version and names it in the 409s', async () => {
    const v = await version();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        httpAs<{ error?: { code: string; message: string } }>(
          i % 2 === 0 ? auth.alice : auth.bob,
          'POST',
          `${i % 2 === 0 ? apiA : apiB}/episodes/${EP}/identities/id_0002/assign`,
          { cast_id: 'cap', expected_version: v },
        ),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 409);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(9);
    const [winner] = (await editLog()).filter((e) => e.seq === v + 1);
    for (const r of refused) {
      expect(r.body.error).toMatchObject({ code: 'CONFLICT' });
      expect(r.body.error!.message).toContain(`#${v + 1} assign by ${winner!.reviewer}`);
    }
  });

  it('refuses an edit of an identity another reviewer merged away, naming the merge, or applies it first', async () => {
    const [merge, assign] = await Promise.all([
      httpAs(auth.alice, 'POST', `${apiA}/episodes/${EP}/identities/merge`, {
        source_ids: ['id_0002'],
        target_id: 'id_0001',
      }),
      httpAs<{ error?: { message: string } }>(
        auth.bob,
        'POST',
        `${apiB}/episodes/${EP}/identities/id_0002/unassign`,
        {},
      ),
    ]);
    expect(merge.status).toBe(200);
    const log = await editLog();
    const mergeSeq = log.find((e) => e.kind === 'merge')!.seq;
    if (assign.status === 409) {
      expect(assign.body.error!.message).toMatch(
        /id_0002 no longer exists: merged into id_0001 by alice/,
      );
    } else {
      expect(assign.status).toBe(200);
      expect(
        log.find((e) => e.kind === 'unassign' && e.reviewer === 'bob' && e.seq < mergeSeq),
      ).toBeDefined();
    }
  });
});
