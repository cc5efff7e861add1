/** @module Tests of the similarity estimate and the affine warp used for face alignment. */
import { describe, expect, it } from 'vitest';
import type { Point, RgbImage } from '../../types.ts';
import {
  ALIGNED_SIZE_PX,
  ARCFACE_TEMPLATE_112,
  alignFace,
  estimateSimilarity,
  warpAffineRgb,
  type Affine,
} from './align.ts';

const apply = (m: Affine, [x, y]: Point): Point => [
  m[0] * x + m[1] * y + m[2],
  m[3] * x + m[4] * y + m[5],
];

/** Similarity with scale `s`, rotation `theta` (radians) and translation `(tx, ty)`. */
const similarity = (s: number, theta: number, tx: number, ty: number): Affine => [
  s * Math.cos(theta),
  -s * Math.sin(theta),
  tx,
  s * Math.sin(theta),
  s * Math.cos(theta),
  ty,
];

describe('estimateSimilarity', () => {
  it('recovers a known similarity exactly when the points fit it', () => {
    const truth = similarity(0.37, -0.6, 41.5, -12.25);
    const src: Point[] = [
      [210, 140],
      [290, 151],
      [244, 205],
      [215, 250],
      [282, 258],
    ];
    const m = estimateSimilarity(
      src,
      src.map((p) => apply(truth, p)),
    );
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 10));
  });

  it('maps the template onto itself when source and target are the template', () => {
    const m = estimateSimilarity(ARCFACE_TEMPLATE_112, ARCFACE_TEMPLATE_112);
    [1, 0, 0, 0, 1, 0].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 12));
  });

  it('returns a rotation, not a reflection, when the target is mirrored', () => {
    const src: Point[] = [
      [0, 0],
      [10, 0],
      [0, 5],
    ];
    const m = estimateSimilarity(
      src,
      src.map(([x, y]) => [-x, y]),
    );
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
  });

  it('throws INPUT_INVALID when the source points coincide', () => {
    expect(() =>
      estimateSimilarity(
        [
          [3, 3],
          [3, 3],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});

describe('warpAffineRgb', () => {
  it('copies the image when the transform is the identity and blacks out pixels outside it', () => {
    const img: RgbImage = {
      data: new Uint8Array(4 * 3 * 3).map((_, i) => i * 7),
      widthPx: 4,
      heightPx: 3,
    };
    const out = new Uint8Array(5 * 3 * 3).fill(255);
    warpAffineRgb(img, [1, 0, 0, 0, 1, 0], out, 5, 3);
    for (let y = 0; y < 3; y++) {
      expect([...out.subarray(y * 15, y * 15 + 12)]).toEqual([
        ...img.data.subarray(y * 12, y * 12 + 12),
      ]);
      expect([...out.subarray(y * 15 + 12, y * 15 + 15)]).toEqual([0, 0, 0]);
    }
  });

  it('throws INPUT_INVALID when the output buffer is too small', () => {
    const img: RgbImage = { data: new Uint8Array(12), widthPx: 2, heightPx: 2 };
    expect(() => warpAffineRgb(img, [1, 0, 0, 0, 1, 0], new Uint8Array(10), 2, 2)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});

describe('alignFace', () => {
  it('puts each landmark at its template position when the face is rotated and scaled in the image', () => {
    const widthPx = 400;
    const heightPx = 300;
    const data = new Uint8Array(widthPx * heightPx * 3);
    // The face sits in the image through a known similarity: image = truth(template).
    const truth = similarity(2.1, 0.35, 120, 40);
    const landmarks = ARCFACE_TEMPLATE_112.map((p) => apply(truth, p));
    const colours = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 0],
      [0, 255, 255],
    ];
    landmarks.forEach(([lx, ly], k) => {
      for (let y = Math.round(ly) - 5; y <= Math.round(ly) + 5; y++) {
        for (let x = Math.round(lx) - 5; x <= Math.round(lx) + 5; x++) {
          data.set(colours[k]!, (y * widthPx + x) * 3);
        }
      }
    });
    const out = new Uint8Array(ALIGNED_SIZE_PX * ALIGNED_SIZE_PX * 3);
    alignFace({ data, widthPx, heightPx }, landmarks, out);
    ARCFACE_TEMPLATE_112.forEach(([tx, ty], k) => {
      const p = (Math.round(ty) * ALIGNED_SIZE_PX + Math.round(tx)) * 3;
      expect([...out.subarray(p, p + 3)]).toEqual(colours[k]);
    });
    // The crop's corner falls on black image pixels.
    expect([...out.subarray(0, 3)]).toEqual([0, 0, 0]);
  });

  it('throws INPUT_INVALID when there are not five landmarks', () => {
    const img: RgbImage = { data: new Uint8Array(12), widthPx: 2, heightPx: 2 };
    expect(() =>
      alignFace(
        img,
        [
          [0, 0],
          [1, 1],
        ],
        new Uint8Array(112 * 112 * 3),
      ),
    ).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});
