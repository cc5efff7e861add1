/**
 * @module Auto-assignment on franck and cap12 side by side (two faces in every frame), with only franck in the
 * facebank and every tier threshold at -1, so that both identities' top suggestion is franck at tier `auto`: the
 * cannot-link rule must give franck to the left (more similar) identity only and keep the right one a suggestion;
 * `off` names nothing; a person's edit is never overridden.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { FaceImageEmbedder } from '../../src/pipeline/index.ts';
import { addFacebankUpload, autoAssign, editReview, openReview } from '../../src/review/index.ts';
import { createCastMember, runPaths, type Db } from '../../src/store/index.ts';
import { readJsonLines } from '../helpers/cli.ts';
import { openTestDatabase, testDatabase } from '../helpers/database.ts';
import { extractFrame } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { CLIPS, makeSideBySide, runPipeline } from './world.ts';

const EP = 'twins-s01e01';

describe('autoAssign', () => {
  let root = '';
  let db: Db;
  let config: Config;
  /** The identity of the left face (franck) and of the right one (cap12). */
  const side = { left: '', right: '' };

  beforeAll(async () => {
    root = await makeTempDir('sa-auto-assign-');
    const dataDir = join(root, 'data');
    await runPipeline(dataDir, await makeSideBySide(root, 10), EP);
    config = loadConfig(
      {
        data_dir: dataDir,
        database: testDatabase(dataDir),
        review: { tiers: { auto: -1, high: -1, medium: -1 }, auto_margin: 0 },
      },
      {},
    );
    db = await openTestDatabase(dataDir);
    await createCastMember(db, 'twins', { name: 'Franck' });
    const photo = join(root, 'franck.png');
    await extractFrame(CLIPS.franck, 60, photo);
    const embedder = await FaceImageEmbedder.open(config);
    try {
      await addFacebankUpload(
        { config, db },
        embedder,
        'twins',
        'franck',
        { path: photo, fileName: 'franck.png' },
        'test',
      );
    } finally {
      await embedder.release();
    }
    const opened = await openReview({ config, db }, { epId: EP });
    const x = new Map(
      readJsonLines<{ track_id: number; bbox_xyxy: number[] }>(
        runPaths(dataDir, EP, opened.runId).detections,
      ).map((d) => [d.track_id, d.bbox_xyxy[0]!]),
    );
    const big = [...opened.state.identities].sort((a, b) => b.faces - a.faces).slice(0, 2);
    const leftFirst = big.sort((a, b) => x.get(a.track_ids[0]!)! - x.get(b.track_ids[0]!)!);
    side.left = leftFirst[0]!.identity_id;
    side.right = leftFirst[1]!.identity_id;
  });
  afterAll(async () => {
    await db?.close();
    await removeTempDir(root);
  });

  it('names nothing when the tier is off', async () => {
    const r = await autoAssign({ config, db }, { epId: EP }, { tier: 'off' });
    expect(r.assigned).toEqual([]);
    expect(r.version).toBe(0);
  });

  it('gives one cast member to only the more similar of two identities seen in one frame', async () => {
    const r = await autoAssign({ config, db }, { epId: EP });
    expect(r.assigned.map((a) => [a.identity_id, a.cast_id, a.tier])).toEqual([
      [side.left, 'franck', 'auto'],
    ]);
    expect(r.kept_as_suggestion.map((a) => [a.identity_id, a.cast_id])).toContainEqual([
      side.right,
      'franck',
    ]);
    expect(r.version).toBe(1);
    const idn = (await openReview({ config, db }, { epId: EP })).state.identities.find(
      (i) => i.identity_id === side.left,
    )!;
    expect(idn).toMatchObject({ cast_id: 'franck', assigned_by: 'system', assigned_tier: 'auto' });
  });

  it('leaves an identity a person unassigned unnamed when it runs again', async () => {
    await editReview(
      { config, db },
      { epId: EP },
      { kind: 'unassign', identity_ids: [side.left] },
      { reviewer: 'alice' },
    );
    const r = await autoAssign({ config, db }, { epId: EP });
    expect(r.assigned.map((a) => a.identity_id)).not.toContain(side.left);
    const idn = (await openReview({ config, db }, { epId: EP })).state.identities.find(
      (i) => i.identity_id === side.left,
    )!;
    expect(idn.cast_id).toBe(null);
  });
});
