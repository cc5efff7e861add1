/**
 * @module `npx tsx bench/small-face-recall.ts [--profiles balanced,performance] [--sets fixture,fotb]`: recall
 * of faces by height band (16-24, 24-40, 40+ px) and identities per real person, per profile, on
 * (a) the small-face fixture set made by `scripts/make-small-face-fixtures.ts` (exact ground truth, every frame)
 * and (b) the hand labels of the sitcom clip's wide shots, `test/fixtures/fotb-wide-labels.json` (skipped where
 * `../shared/data/fotb/` is absent). Each profile runs `screenalytics run` on the video in a fresh data dir; a
 * label is scored on the analysed frame it lies on (fixture) or the analysed frame nearest its time (sitcom).
 * Prints one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { probeVideo } from '../src/media/index.ts';
import type { BBox, ProfileName } from '../src/types.ts';
import { makeSmallFaceFixtures } from '../scripts/make-small-face-fixtures.ts';
import {
  analysedFrames,
  scoreRecall,
  type LabelledFace,
  type ScoredDetection,
} from './face-recall.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FOTB_CLIP = join(REPO_ROOT, '../shared/data/fotb/fresh_off_the_boat_clip.mp4');
const FOTB_LABELS = join(REPO_ROOT, 'test/fixtures/fotb-wide-labels.json');

/** `test/fixtures/fotb-wide-labels.json`. */
interface WideLabels {
  frames: { t_s: number; faces: { person: string; bbox_xyxy: BBox; view: string }[] }[];
}

/** Runs `screenalytics run` and returns its detections, track-to-identity map and wall seconds. */
function runPipeline(video: string, epId: string, profile: ProfileName) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sa-recall-'));
  try {
    const t0 = Date.now();
    const res = spawnSync(
      process.execPath,
      ['bin/screenalytics.js', 'run', video, '--ep-id', epId, '--profile', profile, '--json'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, SCREENALYTICS_DATA_DIR: dataDir },
        encoding: 'utf8',
      },
    );
    const wallS = (Date.now() - t0) / 1000;
    if (res.status !== 0) {
      throw new Error(
        `screenalytics run ${video} --profile ${profile}: ${res.stderr.slice(-2000)}`,
      );
    }
    const runs = join(dataDir, 'episodes', epId, 'runs');
    const runDir = join(runs, readdirSync(runs)[0]!);
    const detections = readFileSync(join(runDir, 'detections.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ScoredDetection);
    const ids = JSON.parse(readFileSync(join(runDir, 'identities.json'), 'utf8')) as {
      identities: { identity_id: string; track_ids: number[] }[];
    };
    const trackIdentity = new Map<number, string>();
    for (const i of ids.identities) {
      for (const t of i.track_ids) {
        trackIdentity.set(t, i.identity_id);
      }
    }
    return { detections, trackIdentity, wallS, identities: ids.identities.length };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profiles: { type: 'string', default: 'balanced,performance' },
      sets: { type: 'string', default: 'fixture,fotb' },
    },
  });
  const profiles = values.profiles.split(',') as ProfileName[];
  const sets = values.sets.split(',');
  const report: Record<string, unknown> = {};
  const work = mkdtempSync(join(tmpdir(), 'sa-small-faces-'));
  try {
    const datasets: {
      name: string;
      video: string;
      labelsFor: (frames: number[]) => LabelledFace[];
    }[] = [];
    if (sets.includes('fixture')) {
      const fx = await makeSmallFaceFixtures(work);
      datasets.push({
        name: 'fixture',
        video: fx.video,
        labelsFor: (frames) => {
          const analysed = new Set(frames);
          return fx.truth.frames
            .filter((f) => analysed.has(f.frame_idx))
            .flatMap((f) =>
              f.faces.map((x) => ({ frameIdx: f.frame_idx, person: x.person, bbox: x.bbox_xyxy })),
            );
        },
      });
    }
    if (sets.includes('fotb') && existsSync(FOTB_CLIP)) {
      const labels = JSON.parse(readFileSync(FOTB_LABELS, 'utf8')) as WideLabels;
      const { fps } = await probeVideo(FOTB_CLIP);
      datasets.push({
        name: 'fotb',
        video: FOTB_CLIP,
        labelsFor: (frames) =>
          labels.frames.flatMap((f) => {
            const want = Math.ceil(f.t_s * fps - 1e-6);
            const near = frames.reduce((a, b) => (Math.abs(b - want) < Math.abs(a - want) ? b : a));
            return f.faces
              .filter((x) => x.view !== 'profile')
              .map((x) => ({ frameIdx: near, person: x.person, bbox: x.bbox_xyxy }));
          }),
      });
    } else if (sets.includes('fotb')) {
      process.stderr.write(`small-face-recall: ${FOTB_CLIP} absent, sitcom labels skipped\n`);
    }
    for (const ds of datasets) {
      for (const profile of profiles) {
        const frames = await analysedFrames(ds.video, profile);
        const run = runPipeline(ds.video, `recall-s01e01`, profile);
        const scored = scoreRecall(ds.labelsFor(frames), run.detections, run.trackIdentity, 0.3);
        report[`${ds.name}/${profile}`] = {
          wall_s: run.wallS,
          analysed_frames: frames.length,
          identity_count: run.identities,
          ...scored,
        };
        process.stderr.write(`${ds.name}/${profile}: ${JSON.stringify(scored.bands)}\n`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

await main();
