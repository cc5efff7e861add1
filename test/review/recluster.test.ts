/**
 * @module End-to-end on four shots of two people (franck, cap12, franck, cap13): merge, move, split and undo on
 * real identities; re-running `cluster` with another threshold (CLI, SCREENALYTICS_CONFIG) carries every
 * assignment over track by track, keeps track overrides, and lists conflicts; a new run of the episode inherits
 * the review through matched tracks.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- the tests read the API's JSON answers field by field */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, type Injector } from '../helpers/accounts.ts';
import { runCli } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, call, editLog, makeFourShots, runPipeline, type App } from './world.ts';

const EP = 'mix-s01e01';
/** Cosine distance at which every shot's track stays its own identity (same-person tracks are ~0.92 similar). */
const TIGHT = 0.02;

let root = '';
let dataDir = '';
let video = '';
let server: App;
/** The reviewers ann and ben, signed in; `app` is ben. */
let people: Record<'ann' | 'ben', Injector>;
let app: Injector;

interface TrackRow {
  track_id: number;
  first_ts: number;
  cast_id: string | null;
  identity_id: string;
  override: { cast_id: string | null; ignore: boolean } | null;
}

/** Every track of the review with the cast member it resolves to, by time. */
async function tracks(runId?: string): Promise<TrackRow[]> {
  const q = runId ? `?run_id=${runId}` : '';
  const list = await call(app, 'GET', `/episodes/${EP}/identities${q}`);
  const out: TrackRow[] = [];
  for (const idn of list.body.items as { identity_id: string }[]) {
    const page = await call(app, 'GET', `/episodes/${EP}/identities/${idn.identity_id}/tracks${q}`);
    out.push(...(page.body.items as TrackRow[]));
  }
  return out.sort((a, b) => a.first_ts - b.first_ts);
}

async function recluster(threshold: number): Promise<void> {
  const config = join(root, `cluster-${threshold}.json`);
  await writeFile(config, JSON.stringify({ cluster: { distance_threshold: threshold } }));
  const res = await runCli(['stage', 'cluster', '--ep-id', EP], {
    dataDir,
    env: { SCREENALYTICS_CONFIG: config },
  });
  expect(res.code, res.stderr).toBe(0);
}

beforeAll(async () => {
  root = await makeTempDir('sa-review-mix-');
  dataDir = join(root, 'data');
  video = await makeFourShots(root);
  await runPipeline(dataDir, video, EP);
  server = await apiOf(dataDir);
  people = await signedIn(server, dataDir, { ann: 'reviewer', ben: 'reviewer' });
  app = people.ben;
  await call(app, 'POST', '/shows/mix/cast/import', {
    csv: 'cast_id,name,role\nfranck,Franck,main\ncap,Cap,main\n',
  });
});

afterAll(async () => {
  await server?.close();
  await removeTempDir(root);
});

describe('edits on real identities', () => {
  it('merges, moves, splits and undoes, each edit recorded with its reviewer', async () => {
    const before = await call(app, 'GET', `/episodes/${EP}/identities`);
    expect(before.body.items.map((i: { track_ids: number[] }) => i.track_ids)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const split = await call(people.ann, 'POST', `/episodes/${EP}/identities/id_0001/split`, {});
    expect(
      split.body.identities.map((i: { identity_id: string; track_ids: number[] }) => [
        i.identity_id,
        i.track_ids,
      ]),
    ).toEqual([
      ['id_0001', [1]],
      ['id_0003', [3]],
    ]);
    const move = await call(app, 'POST', `/episodes/${EP}/tracks/move`, {
      track_ids: [4],
      to_identity_id: 'id_0003',
    });
    expect(move.body.identities.map((i: { track_ids: number[] }) => i.track_ids)).toEqual([
      [2],
      [3, 4],
    ]);
    const merge = await call(app, 'POST', `/episodes/${EP}/identities/merge`, {
      source_ids: ['id_0003'],
      target_id: 'id_0001',
      expected_version: 2,
    });
    expect(merge.status).toBe(200);
    const after = await call(app, 'GET', `/episodes/${EP}/identities`);
    expect(
      after.body.items.map((i: { identity_id: string; track_ids: number[] }) => [
        i.identity_id,
        i.track_ids,
      ]),
    ).toEqual([
      ['id_0001', [1, 3, 4]],
      ['id_0002', [2]],
    ]);
    const stale = await call(app, 'POST', `/episodes/${EP}/identities/id_0003/assign`, {
      cast_id: 'cap',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/id_0003 no longer exists: merged into id_0001/);
    const undo = await call(app, 'POST', `/episodes/${EP}/undo`, { count: 3 });
    expect(undo.body.version).toBe(4);
    const back = await call(app, 'GET', `/episodes/${EP}/identities`);
    expect(back.body.items.map((i: { track_ids: number[] }) => i.track_ids)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(await editLog(app, EP)).toEqual([
      ['undo', 'ben', null],
      ['merge', 'ben', 'ben'],
      ['move', 'ben', 'ben'],
      ['split', 'ann', 'ben'],
    ]);
  });
});

describe('re-clustering', () => {
  it('carries every assignment over, track by track, when cluster re-runs with a tighter threshold', async () => {
    await call(app, 'POST', `/episodes/${EP}/clusters/batch_assign`, {
      assignments: [
        { identity_id: 'id_0001', cast_id: 'franck' },
        { identity_id: 'id_0002', cast_id: 'cap' },
      ],
    });
    const before = await tracks();
    expect(before.map((t) => t.cast_id)).toEqual(['franck', 'cap', 'franck', 'cap']);
    await recluster(TIGHT);
    const review = await call(app, 'GET', `/episodes/${EP}/review`);
    expect(review.body).toMatchObject({
      identities: 4,
      assigned: 4,
      unassigned: 0,
      conflicts: [],
      version: 1,
    });
    expect(review.body.carried_over_from).not.toBeNull();
    const after = await tracks();
    expect(after.map((t) => [t.track_id, t.cast_id])).toEqual(
      before.map((t) => [t.track_id, t.cast_id]),
    );
    const log = await call(app, 'GET', `/episodes/${EP}/edits`);
    expect(log.body.items[0]).toMatchObject({ seq: 1, kind: 'carry_over', reviewer: 'system' });
  });

  it('keeps track overrides and lists a tie as a conflict when a looser threshold joins differently assigned tracks', async () => {
    const now = await tracks();
    const [, , franckLater, capLater] = now;
    await call(app, 'POST', `/episodes/${EP}/identities/${franckLater!.identity_id}/assign`, {
      cast_id: 'cap',
    });
    await call(app, 'POST', `/episodes/${EP}/tracks/override`, {
      track_ids: [capLater!.track_id],
      ignore: true,
    });
    await recluster(0.65);
    const review = await call(app, 'GET', `/episodes/${EP}/review`);
    expect(review.body.identities).toBe(2);
    expect(review.body.conflicts).toEqual([
      {
        identity_id: 'id_0001',
        cast_id: null,
        votes: [
          { cast_id: 'cap', faces: 5, track_ids: [3] },
          { cast_id: 'franck', faces: 5, track_ids: [1] },
        ],
      },
    ]);
    const after = await tracks();
    expect(after.map((t) => [t.track_id, t.cast_id, t.override?.ignore ?? false])).toEqual([
      [1, null, false],
      [2, 'cap', false],
      [3, null, false],
      [4, null, true],
    ]);
    const resolved = await call(app, 'POST', `/episodes/${EP}/identities/id_0001/assign`, {
      cast_id: 'franck',
    });
    expect(resolved.status).toBe(200);
    expect((await call(app, 'GET', `/episodes/${EP}/conflicts`)).body.items).toEqual([]);
  });

  it('carries the review into a new run of the episode through matched tracks', async () => {
    await call(app, 'POST', `/episodes/${EP}/tracks/clear_override`, { track_ids: [4] });
    await runPipeline(dataDir, video, EP);
    const review = await call(app, 'GET', `/episodes/${EP}/review`);
    expect(review.body.carried_over_from).not.toBeNull();
    expect(review.body).toMatchObject({ assigned: 2, unassigned: 0, version: 1 });
    const after = await tracks();
    expect(after.map((t) => t.cast_id)).toEqual(['franck', 'cap', 'franck', 'cap']);
    const st = await call(app, 'GET', `/episodes/${EP}/screentime`);
    const cast = st.body.cast as { cast_id: string; seconds: number; track_ids: number[] }[];
    expect(cast.map((c) => [c.cast_id, c.track_ids]).sort()).toEqual([
      ['cap', [2, 4]],
      ['franck', [1, 3]],
    ]);
    expect(st.body.unassigned.seconds).toBe(0);
  });
});

describe('a later episode of the show', () => {
  const EP2 = 'mix-s01e02';

  it('is suggested the cast members of the earlier reviewed episode, and auto-group merges a split back', async () => {
    await runPipeline(dataDir, video, EP2);
    const sugg = await call(app, 'GET', `/episodes/${EP2}/identities/id_0001/suggestions`);
    expect(sugg.body.suggestions[0]).toMatchObject({ cast_id: 'franck', source: 'show' });
    expect(['auto', 'high']).toContain(sugg.body.suggestions[0].tier);
    await call(app, 'POST', `/episodes/${EP2}/identities/id_0001/split`, {});
    const grouped = await call(app, 'POST', `/episodes/${EP2}/clusters/group_async`, {
      execution_mode: 'local',
      min_similarity: 0.8,
      apply: true,
    });
    expect(grouped.body.result).toMatchObject({ merged: 1 });
    expect(
      grouped.body.result.groups.map((g: { identity_ids: string[] }) => g.identity_ids.sort()),
    ).toEqual([['id_0001', 'id_0003']]);
    const after = await call(app, 'GET', `/episodes/${EP2}/identities`);
    expect(after.body.items.map((i: { track_ids: number[] }) => i.track_ids)).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});
