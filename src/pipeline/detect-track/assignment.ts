/** @module Optimal rectangular linear assignment with a cost gate (Hungarian method, shortest augmenting paths). */

/** Added to the gate for forbidden pairs, so that every allowed pair is cheaper than none. */
const GATE_MARGIN = 1e-6;

/**
 * Minimum-cost one-to-one matching of rows to columns where only pairs with `cost <= maxCost` may match.
 *
 * It minimises the sum over matched pairs of `(cost - maxCost)`: the same optimum as
 * `lap.lapjv(cost, extend_cost=True, cost_limit=maxCost)`, which ByteTrack's `matching.linear_assignment`
 * calls, up to ties at exactly `maxCost`. Forbidden pairs are priced just above the gate, a full rectangular
 * assignment is solved, and the forbidden pairs are dropped from it.
 *
 * @param cost - row-major `nRows x nCols` costs; `NaN` counts as forbidden
 * @param nRows - number of rows (tracks)
 * @param nCols - number of columns (detections)
 * @param maxCost - largest cost a matched pair may have
 * @returns `Int32Array` of length `nRows`: the matched column of each row, or -1
 * @see Kuhn 1955 "The Hungarian method for the assignment problem"; Jonker and Volgenant 1987 (shortest
 *   augmenting paths with dual potentials, O(n² m) for n ≤ m).
 */
export function assignLinear(
  cost: ArrayLike<number>,
  nRows: number,
  nCols: number,
  maxCost: number,
): Int32Array {
  const rowToCol = new Int32Array(nRows).fill(-1);
  if (nRows === 0 || nCols === 0) {
    return rowToCol;
  }
  const forbidden = maxCost + GATE_MARGIN;
  const transpose = nRows > nCols;
  const n = transpose ? nCols : nRows;
  const m = transpose ? nRows : nCols;
  const gated = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const c = transpose ? cost[j * nCols + i]! : cost[i * nCols + j]!;
      gated[i * m + j] = c <= maxCost ? c : forbidden;
    }
  }
  const colToRow = solveHungarian(gated, n, m);
  for (let j = 0; j < m; j++) {
    const i = colToRow[j]!;
    if (i < 0 || gated[i * m + j]! > maxCost) {
      continue;
    }
    if (transpose) {
      rowToCol[j] = i;
    } else {
      rowToCol[i] = j;
    }
  }
  return rowToCol;
}

/**
 * Full assignment of every row of an `n x m` matrix (`n <= m`, finite costs) to a distinct column.
 *
 * @returns `Int32Array` of length `m`: the row assigned to each column, or -1
 */
function solveHungarian(cost: Float64Array, n: number, m: number): Int32Array {
  // 1-based potentials and matching as in the classic formulation; index 0 is the virtual source column.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) {
          continue;
        }
        const cur = cost[(i0 - 1) * m + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const colToRow = new Int32Array(m).fill(-1);
  for (let j = 1; j <= m; j++) {
    if (p[j]! > 0) {
      colToRow[j - 1] = p[j]! - 1;
    }
  }
  return colToRow;
}
