/** @module Tests of the gated rectangular assignment against exhaustive search. */
import { describe, expect, it } from 'vitest';
import { assignLinear } from './assignment.ts';

/** Best value of sum(cost - maxCost) over all partial matchings with allowed pairs only (exhaustive). */
function bruteForce(cost: number[], n: number, m: number, maxCost: number): number {
  const usedCols = new Array<boolean>(m).fill(false);
  const go = (i: number): number => {
    if (i === n) {
      return 0;
    }
    let best = go(i + 1);
    for (let j = 0; j < m; j++) {
      const c = cost[i * m + j]!;
      if (usedCols[j] || !(c <= maxCost)) {
        continue;
      }
      usedCols[j] = true;
      best = Math.min(best, c - maxCost + go(i + 1));
      usedCols[j] = false;
    }
    return best;
  };
  return go(0);
}

function valueOf(rowToCol: Int32Array, cost: number[], m: number, maxCost: number): number {
  let v = 0;
  rowToCol.forEach((j, i) => {
    if (j >= 0) {
      v += cost[i * m + j]! - maxCost;
    }
  });
  return v;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('assignLinear', () => {
  it('finds the optimal matching when the matrix is square, tall or wide', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 5);
      const m = 1 + Math.floor(rand() * 5);
      const cost = Array.from({ length: n * m }, () => (rand() < 0.15 ? NaN : rand()));
      const maxCost = 0.3 + rand() * 0.7;
      const rowToCol = assignLinear(cost, n, m, maxCost);
      const cols = [...rowToCol].filter((j) => j >= 0);
      expect(new Set(cols).size).toBe(cols.length);
      rowToCol.forEach((j, i) => {
        if (j >= 0) {
          expect(cost[i * m + j]).toBeLessThanOrEqual(maxCost);
        }
      });
      expect(valueOf(rowToCol, cost, m, maxCost)).toBeCloseTo(bruteForce(cost, n, m, maxCost), 9);
    }
  });

  it('prefers the globally cheaper pairing over the greedy one when two rows want one column', () => {
    // Row 0 likes col 0 most, but row 1 can only take col 0: optimal is (0->1, 1->0).
    const cost = [0.1, 0.2, 0.15, 0.9];
    expect([...assignLinear(cost, 2, 2, 0.5)]).toEqual([1, 0]);
  });

  it('leaves rows unmatched when every pair is over the gate', () => {
    expect([...assignLinear([0.9, 0.8], 2, 1, 0.5)]).toEqual([-1, -1]);
  });

  it('returns an all -1 result when there are no columns', () => {
    expect([...assignLinear([], 3, 0, 1)]).toEqual([-1, -1, -1]);
  });
});
