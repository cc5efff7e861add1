/**
 * @module Average-linkage agglomerative clustering on cosine distance, with cannot-link constraints: used by the
 * `cluster` stage (src/pipeline/cluster) and by cleanup's re-clustering; it lives in review/, the lower of the two
 * layers, so both import it downwards.
 */
import { InputError } from '../errors.ts';

/** Pairs of items that must never share a cluster: a predicate, or a list of index pairs. */
export type CannotLink =
  ((i: number, j: number) => boolean) | ReadonlyArray<readonly [number, number]>;

/** Constraints and extra evidence of {@link clusterWithLinkage}. */
export interface ClusterOptions {
  /** Pairs that must stay apart. */
  cannotLink?: CannotLink;
  /**
   * Distance added to the cosine distance of items `i < j` before clustering (0 or more; evidence the vectors lack,
   * e.g. two tracks of one scene in different clothes); called once per pair.
   */
  penalty?: (i: number, j: number) => number;
}

/** Result of {@link clusterWithLinkage}. */
export interface Clustering {
  /** A label per item: clusters numbered 0, 1, ... by size descending, ties by their smallest item index. */
  labels: number[];
  /** Number of clusters K. */
  count: number;
  /**
   * K x K row-major average-linkage distances between the final clusters, by label: the mean over item pairs of
   * cosine distance plus penalty; Infinity where a cannot-link pair spans the two clusters; 0 on the diagonal.
   */
  linkage: Float64Array;
  /** Per label, the distance of the cluster's last merge (its height in the dendrogram); 0 for a single item. */
  mergeDistance: Float64Array;
}

/**
 * Clusters N vectors by average linkage on cosine distance (`1 - cos`), merging the closest pair of clusters while
 * its distance is `<= threshold`, and never merging two clusters that hold a cannot-link pair (e.g. two tracks
 * seen in one analysed frame cannot be one person). Labels only: see {@link clusterWithLinkage}.
 *
 * @param vectors - N x `dim` float32, row-major; rows need not be normalised, they are L2-normalised here
 * @param dim - vector length
 * @param threshold - largest average cosine distance of a merge (default: `config.cluster.distance_threshold`)
 * @param cannotLink - pairs that must stay apart
 * @returns a label per item: clusters numbered 0, 1, ... by size descending, ties by their smallest item index
 * @throws InputError (`INPUT_INVALID`) when `vectors.length` is not a multiple of `dim` or a row has zero norm
 */
export function clusterAgglomerative(
  vectors: Float32Array,
  dim: number,
  threshold: number,
  cannotLink?: CannotLink,
): number[] {
  return clusterWithLinkage(vectors, dim, threshold, { cannotLink }).labels;
}

/**
 * Clusters N vectors by average linkage on cosine distance (`1 - cos`) plus an optional pairwise penalty, merging
 * the closest pair of clusters while its distance is `<= threshold`, and never merging two clusters that hold a
 * cannot-link pair; also returns the average-linkage distances between the final clusters (how far each is from
 * its neighbours).
 *
 * Method: the full N x N Float32 distance matrix (4·N² bytes: 100 MB at N = 5000), Lance–Williams updates for
 * average linkage, and a per-row cache of the nearest later cluster (Müllner's "generic" scheme). Cannot-link pairs
 * are stored as an infinite distance; the Lance–Williams average of an infinite distance stays infinite, so a merged
 * cluster inherits every constraint of both sides. (NN-chain would be faster but is not valid once constraints
 * break the reducibility of the linkage.)
 *
 * @param vectors - N x `dim` float32, row-major; rows need not be normalised, they are L2-normalised here
 * @param dim - vector length
 * @param threshold - largest average distance of a merge (default: `config.cluster.distance_threshold`)
 * @param options - cannot-link pairs and the penalty
 * @returns labels, cluster count and the K x K linkage between clusters
 * @throws InputError (`INPUT_INVALID`) when `vectors.length` is not a multiple of `dim`, a row has zero norm, a
 *   cannot-link pair is out of range, or a penalty is negative or not finite
 * @see Müllner 2011 "Modern hierarchical, agglomerative clustering algorithms" (arXiv:1109.2378);
 *   Lance and Williams 1967 "A general theory of classificatory sorting strategies".
 */
export function clusterWithLinkage(
  vectors: Float32Array,
  dim: number,
  threshold: number,
  options: ClusterOptions = {},
): Clustering {
  const n = countRows(vectors, dim);
  const dist = cosineDistances(normalizeRows(vectors, dim), n, dim);
  if (options.penalty) {
    addPenalty(dist, n, options.penalty);
  }
  forbidPairs(dist, n, options.cannotLink);

  const active = new Uint8Array(n).fill(1);
  const size = new Float64Array(n).fill(1);
  const mergedInto = new Int32Array(n).fill(-1);
  const joinedAt = new Float64Array(n);
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n);
  const refreshRow = (k: number): void => {
    let best = -1;
    let bestD = Infinity;
    for (let j = k + 1, p = k * n + k + 1; j < n; j++, p++) {
      if (active[j] && dist[p]! < bestD) {
        bestD = dist[p]!;
        best = j;
      }
    }
    nn[k] = best;
    nnDist[k] = bestD;
  };
  for (let k = 0; k < n; k++) {
    refreshRow(k);
  }

  for (;;) {
    let i = -1;
    let minD = Infinity;
    for (let k = 0; k < n; k++) {
      if (active[k] && nnDist[k]! < minD) {
        minD = nnDist[k]!;
        i = k;
      }
    }
    if (i < 0 || !(minD <= threshold)) {
      break;
    }
    const j = nn[i]!; // j > i: cluster j joins cluster i
    const wi = size[i]! / (size[i]! + size[j]!);
    const wj = 1 - wi;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i || k === j) {
        continue;
      }
      const d = wi * dist[i * n + k]! + wj * dist[j * n + k]!;
      dist[i * n + k] = d;
      dist[k * n + i] = d;
    }
    active[j] = 0;
    mergedInto[j] = i;
    joinedAt[i] = minD;
    size[i] = size[i]! + size[j]!;
    refreshRow(i);
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i) {
        continue;
      }
      if (nn[k] === j || (k < i && nn[k] === i)) {
        refreshRow(k);
      } else if (k < i && dist[k * n + i]! < nnDist[k]!) {
        nn[k] = i;
        nnDist[k] = dist[k * n + i]!;
      }
    }
  }
  const labels = labelBySize(mergedInto);
  const roots: number[] = [];
  labels.forEach((l, k) => (roots[l] ??= k));
  const count = roots.length;
  const linkage = new Float64Array(count * count);
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      linkage[a * count + b] = a === b ? 0 : dist[roots[a]! * n + roots[b]!]!;
    }
  }
  return { labels, count, linkage, mergeDistance: Float64Array.from(roots, (r) => joinedAt[r]!) };
}

/**
 * Cohesion of a cluster: mean cosine similarity of its members (L2-normalised) to their normalised centroid.
 *
 * @param vectors - N x `dim` float32, row-major
 * @param dim - vector length
 * @param members - row indices of the cluster's items
 * @returns a value in [-1, 1]; 1 for one item or identical directions; 0 for no members or a zero centroid
 * @throws InputError (`INPUT_INVALID`) when `vectors.length` is not a multiple of `dim` or a member has zero norm
 */
export function cohesion(vectors: Float32Array, dim: number, members: readonly number[]): number {
  countRows(vectors, dim);
  const centroid = new Float64Array(dim);
  for (const m of members) {
    const inv = 1 / rowNorm(vectors, dim, m);
    for (let d = 0; d < dim; d++) {
      centroid[d] = centroid[d]! + vectors[m * dim + d]! * inv;
    }
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) {
    norm += centroid[d]! * centroid[d]!;
  }
  if (!(norm > 0)) {
    return 0;
  }
  // Mean of cos(x_m, c) = c · (Σ x_m / |x_m|) / (|c| · count) = |Σ x_m / |x_m|| / count.
  return Math.sqrt(norm) / members.length;
}

function countRows(vectors: Float32Array, dim: number): number {
  if (!(dim > 0) || vectors.length % dim !== 0) {
    throw new InputError(
      `Vectors of length ${vectors.length} do not split into rows of ${dim}; check the embedding dim`,
    );
  }
  return vectors.length / dim;
}

function rowNorm(vectors: Float32Array, dim: number, row: number): number {
  let s = 0;
  for (let d = row * dim; d < (row + 1) * dim; d++) {
    s += vectors[d]! * vectors[d]!;
  }
  if (!(s > 0)) {
    throw new InputError(`Vector ${row} has zero norm; drop it before clustering`);
  }
  return Math.sqrt(s);
}

function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let r = 0; r < vectors.length / dim; r++) {
    const inv = 1 / rowNorm(vectors, dim, r);
    for (let d = r * dim; d < (r + 1) * dim; d++) {
      out[d] = vectors[d]! * inv;
    }
  }
  return out;
}

/**
 * Full symmetric N x N matrix of `1 - dot` between unit rows (diagonal 0). The upper triangle is computed four rows
 * against two rows at a time (each loaded value used four or two times, which halves the time of plain dot
 * products in V8), then mirrored.
 */
function cosineDistances(unit: Float32Array, n: number, dim: number): Float32Array {
  const dist = new Float32Array(n * n);
  const dot = (i: number, j: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      s += unit[i * dim + d]! * unit[j * dim + d]!;
    }
    return s;
  };
  let i0 = 0;
  for (; i0 + 4 <= n; i0 += 4) {
    for (let i = i0; i < i0 + 4; i++) {
      for (let j = i + 1; j < i0 + 4; j++) {
        dist[i * n + j] = 1 - dot(i, j);
      }
    }
    const a0 = i0 * dim;
    const a1 = a0 + dim;
    const a2 = a1 + dim;
    const a3 = a2 + dim;
    let j = i0 + 4;
    for (; j + 2 <= n; j += 2) {
      const b = j * dim;
      const c = b + dim;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        t0 = 0,
        t1 = 0,
        t2 = 0,
        t3 = 0;
      for (let d = 0; d < dim; d++) {
        const x = unit[b + d]!;
        const y = unit[c + d]!;
        const p0 = unit[a0 + d]!;
        const p1 = unit[a1 + d]!;
        const p2 = unit[a2 + d]!;
        const p3 = unit[a3 + d]!;
        s0 += p0 * x;
        s1 += p1 * x;
        s2 += p2 * x;
        s3 += p3 * x;
        t0 += p0 * y;
        t1 += p1 * y;
        t2 += p2 * y;
        t3 += p3 * y;
      }
      const r = i0 * n + j;
      dist[r] = 1 - s0;
      dist[r + n] = 1 - s1;
      dist[r + 2 * n] = 1 - s2;
      dist[r + 3 * n] = 1 - s3;
      dist[r + 1] = 1 - t0;
      dist[r + n + 1] = 1 - t1;
      dist[r + 2 * n + 1] = 1 - t2;
      dist[r + 3 * n + 1] = 1 - t3;
    }
    for (; j < n; j++) {
      for (let i = i0; i < i0 + 4; i++) {
        dist[i * n + j] = 1 - dot(i, j);
      }
    }
  }
  for (let i = i0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      dist[i * n + j] = 1 - dot(i, j);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      dist[j * n + i] = dist[i * n + j]!;
    }
  }
  return dist;
}

function addPenalty(
  dist: Float32Array,
  n: number,
  penalty: (i: number, j: number) => number,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = penalty(i, j);
      if (!(p >= 0 && Number.isFinite(p))) {
        throw new InputError(
          `Penalty ${p} of pair [${i}, ${j}] is not a finite distance of 0 or more`,
        );
      }
      dist[i * n + j] = dist[i * n + j]! + p;
      dist[j * n + i] = dist[i * n + j]!;
    }
  }
}

function forbidPairs(dist: Float32Array, n: number, cannotLink: CannotLink | undefined): void {
  if (!cannotLink) {
    return;
  }
  const forbid = (i: number, j: number): void => {
    if (i === j) {
      return;
    }
    dist[i * n + j] = Infinity;
    dist[j * n + i] = Infinity;
  };
  if (typeof cannotLink === 'function') {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (cannotLink(i, j)) {
          forbid(i, j);
        }
      }
    }
    return;
  }
  for (const [i, j] of cannotLink) {
    if (!(i >= 0 && j >= 0 && i < n && j < n)) {
      throw new InputError(`Cannot-link pair [${i}, ${j}] is outside 0..${n - 1}`);
    }
    forbid(i, j);
  }
}

/** Labels 0.. by cluster size descending, ties by smallest member, from the merge forest. */
function labelBySize(mergedInto: Int32Array): number[] {
  const n = mergedInto.length;
  const root = new Int32Array(n);
  const count = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let r = k;
    while (mergedInto[r]! >= 0) {
      r = mergedInto[r]!;
    }
    root[k] = r;
    count[r] = count[r]! + 1;
  }
  // A root is its cluster's smallest member: clusters always merge into the lower index.
  const roots = [...new Set(root)].sort((a, b) => count[b]! - count[a]! || a - b);
  const label = new Int32Array(n);
  roots.forEach((r, l) => (label[r] = l));
  return Array.from(root, (r) => label[r]!);
}
