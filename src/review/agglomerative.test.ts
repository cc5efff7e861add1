/** @module Tests of average-linkage clustering with cannot-link constraints. */
import { describe, expect, it } from 'vitest';
import { clusterAgglomerative, clusterWithLinkage, cohesion } from './agglomerative.ts';

/** Deterministic standard normal numbers (mulberry32 + Box–Muller). */
function gaussian(seed: number): () => number {
  let a = seed;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Unit 2-D vectors at the given angles (radians): cosine distance between two is `1 - cos(angle difference)`. */
const atAngles = (angles: number[]): Float32Array =>
  Float32Array.from(angles.flatMap((t) => [Math.cos(t), Math.sin(t)]));

/** Angle whose cosine distance is `d`. */
const angleOf = (d: number): number => Math.acos(1 - d);

describe('clusterAgglomerative', () => {
  it('recovers well-separated clusters, labelled by size, when items are shuffled', () => {
    const rand = gaussian(3);
    const dim = 64;
    const sizes = [7, 12, 3, 9];
    const centres = sizes.map(() => Array.from({ length: dim }, rand));
    const truth = sizes.flatMap((s, c) => Array<number>(s).fill(c)).sort(() => rand());
    const vectors = Float32Array.from(
      truth.flatMap((c) => centres[c]!.map((v) => v + 0.15 * rand())),
    );
    const labels = clusterAgglomerative(vectors, dim, 0.5);
    // Same partition as the truth, and label 0 is the biggest cluster (12 items, truth cluster 1).
    const pairs = new Set(truth.map((c, i) => `${c}:${labels[i]}`));
    expect(pairs.size).toBe(sizes.length);
    expect(new Set(labels).size).toBe(sizes.length);
    expect(labels.filter((l) => l === 0)).toHaveLength(12);
    expect(labels.filter((l) => l === 3)).toHaveLength(3);
  });

  it('merges by average distance and stops at the threshold', () => {
    // a, b at 0.1; c at 0.3 from b and further from a: the average distance of c to {a, b} decides.
    const a = 0;
    const b = angleOf(0.1);
    const c = b + angleOf(0.3);
    const vectors = atAngles([a, b, c]);
    const avgToC = (1 - Math.cos(c - a) + (1 - Math.cos(c - b))) / 2;
    expect(clusterAgglomerative(vectors, 2, 0.05)).toEqual([0, 1, 2]);
    expect(clusterAgglomerative(vectors, 2, 0.1 + 1e-6)).toEqual([0, 0, 1]);
    expect(clusterAgglomerative(vectors, 2, avgToC - 1e-4)).toEqual([0, 0, 1]);
    expect(clusterAgglomerative(vectors, 2, avgToC + 1e-4)).toEqual([0, 0, 0]);
  });

  it('keeps a cannot-link pair apart when it is the closest pair', () => {
    const vectors = atAngles([0, angleOf(0.01), 2]);
    expect(clusterAgglomerative(vectors, 2, 0.5, [[0, 1]])).toEqual([0, 1, 2]);
    expect(clusterAgglomerative(vectors, 2, 0.5, (i, j) => i === 0 && j === 1)).toEqual([0, 1, 2]);
  });

  it('carries a constraint over a merge when a third item is close to both', () => {
    // 0 and 2 cannot link; 1 sits between them and joins 0 first; 2 then cannot join {0, 1}.
    const vectors = atAngles([0, angleOf(0.02), angleOf(0.02) + angleOf(0.03)]);
    expect(clusterAgglomerative(vectors, 2, 0.5)).toEqual([0, 0, 0]);
    expect(clusterAgglomerative(vectors, 2, 0.5, [[2, 0]])).toEqual([0, 0, 1]);
  });

  it('throws INPUT_INVALID when a vector is zero or the length does not fit dim', () => {
    expect(() => clusterAgglomerative(new Float32Array(5), 2, 0.5)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
    expect(() => clusterAgglomerative(new Float32Array(4), 2, 0.5)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('returns a label per item when given 5000 random 512-D vectors', () => {
    const rand = gaussian(11);
    const n = 5000;
    const dim = 512;
    const vectors = new Float32Array(n * dim);
    for (let i = 0; i < vectors.length; i++) {
      vectors[i] = rand();
    }
    // Near-duplicates of item 0 every 500 items give the clustering some merges to do.
    for (let i = 500; i < n; i += 500) {
      for (let d = 0; d < dim; d++) {
        vectors[i * dim + d] = vectors[d]! + 0.1 * rand();
      }
    }
    const labels = clusterAgglomerative(vectors, dim, 0.5);
    expect(labels).toHaveLength(n);
    expect(labels[0]).toBe(0);
    expect(labels.filter((l) => l === 0)).toHaveLength(10);
    expect(new Set(labels).size).toBe(n - 9);
  });
});

describe('clusterWithLinkage', () => {
  it('adds the penalty to a pair before merging, and gives the average linkage between the final clusters', () => {
    // 0 and 1 at 0.05 merge at threshold 0.1 unless a penalty of 0.1 lies between them; 2 is far from both.
    const d01 = 0.05;
    const vectors = atAngles([0, angleOf(d01), 2.5]);
    const d02 = 1 - Math.cos(2.5);
    const d12 = 1 - Math.cos(2.5 - angleOf(d01));
    expect(clusterWithLinkage(vectors, 2, 0.1).labels).toEqual([0, 0, 1]);
    const pen = (i: number, j: number): number => (i === 0 && j === 1 ? 0.1 : 0);
    const apart = clusterWithLinkage(vectors, 2, 0.1, { penalty: pen });
    expect(apart.labels).toEqual([0, 1, 2]);
    expect(apart.count).toBe(3);
    expect(apart.linkage[0 * 3 + 1]).toBeCloseTo(d01 + 0.1, 5);
    expect(apart.linkage[1 * 3 + 0]).toBeCloseTo(d01 + 0.1, 5);
    expect(apart.linkage[0 * 3 + 0]).toBe(0);
    // Merged {0, 1}: its linkage to 2 is the mean of the two item distances (average linkage).
    const merged = clusterWithLinkage(vectors, 2, 0.1);
    expect(merged.count).toBe(2);
    expect(merged.linkage[1]).toBeCloseTo((d02 + d12) / 2, 5);
    expect(merged.mergeDistance[0]).toBeCloseTo(d01, 5);
    expect(merged.mergeDistance[1]).toBe(0);
  });

  it('gives an infinite linkage across a cannot-link pair, and rejects a negative penalty', () => {
    const vectors = atAngles([0, angleOf(0.01), 2]);
    const r = clusterWithLinkage(vectors, 2, 0.5, { cannotLink: [[0, 1]] });
    expect(r.labels).toEqual([0, 1, 2]);
    expect(r.linkage[1]).toBe(Infinity);
    expect(Number.isFinite(r.linkage[2])).toBe(true);
    expect(() => clusterWithLinkage(vectors, 2, 0.5, { penalty: () => -0.1 })).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});

describe('cohesion', () => {
  it('is 1 when there is one member and cos of the half angle when there are two', () => {
    const vectors = atAngles([0, 0.8]);
    expect(cohesion(vectors, 2, [0])).toBeCloseTo(1, 6);
    expect(cohesion(vectors, 2, [0, 1])).toBeCloseTo(Math.cos(0.4), 6);
  });

  it('ignores vector lengths when members point the same way', () => {
    expect(cohesion(Float32Array.from([1, 1, 5, 5]), 2, [0, 1])).toBeCloseTo(1, 6);
  });
});
