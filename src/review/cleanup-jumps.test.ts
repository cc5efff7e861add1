/** @module Tests of embedding-jump detection inside a track, on synthetic unit embeddings. */
import { describe, expect, it } from 'vitest';
import { findEmbeddingJumps } from './cleanup-jumps.ts';

const DIM = 8;

/** Unit vector along axis `axis`, tilted by `noise` towards the last axis. */
function face(axis: number, noise = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[axis] = 1;
  v[DIM - 1] = noise;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function track(...faces: Float32Array[]): Float32Array {
  const out = new Float32Array(faces.length * DIM);
  faces.forEach((f, k) => out.set(f, k * DIM));
  return out;
}

describe('findEmbeddingJumps', () => {
  it('finds one jump where the track passes from one person to another', () => {
    const a = [face(0, 0.1), face(0, 0.2), face(0), face(0, 0.1)];
    const b = [face(1, 0.1), face(1), face(1, 0.2)];
    const jumps = findEmbeddingJumps(track(...a, ...b), DIM, 0.25, 2);
    expect(jumps.map((j) => j.index)).toEqual([4]);
    expect(jumps[0]!.similarity).toBeLessThan(0.25);
  });

  it('finds no jump when one person stays, or one sample is an outlier', () => {
    expect(findEmbeddingJumps(track(face(0), face(0, 0.3), face(0, 0.1)), DIM, 0.25, 2)).toEqual(
      [],
    );
    const outlier = track(face(0), face(0), face(0), face(2), face(0), face(0), face(0));
    expect(findEmbeddingJumps(outlier, DIM, 0.25, 2)).toEqual([]);
  });

  it('finds two jumps for A, B, A, and none when a part is shorter than minSideFaces', () => {
    const aba = track(face(0), face(0), face(1), face(1), face(0), face(0));
    expect(findEmbeddingJumps(aba, DIM, 0.25, 2).map((j) => j.index)).toEqual([2, 4]);
    expect(findEmbeddingJumps(aba, DIM, 0.25, 3)).toEqual([]);
  });

  it('throws RangeError when the vectors are not N x dim', () => {
    expect(() => findEmbeddingJumps(new Float32Array(5), DIM, 0.25, 2)).toThrow(RangeError);
  });
});
