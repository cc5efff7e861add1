/**
 * @module Embedding jumps inside a track: where two consecutive face samples of one track stop looking like one
 * person (a dissolve between two people, or a tracker that swapped faces). Pure math on embeddings.
 */
import { dot } from './centroids.ts';

/** Where a track holds two people: cut before sample `index`. */
export interface EmbeddingJump {
  /** Index of the first sample after the jump (1 .. N - 1). */
  index: number;
  /** Cosine similarity of samples `index - 1` and `index`, in [-1, 1]. */
  similarity: number;
  /** Cosine similarity of the means of up to `minSideFaces` samples either side of the jump, in [-1, 1]. */
  window_similarity: number;
}

/** Normalised mean of rows `[from, to)` of an N x dim matrix. */
function meanOf(vectors: Float32Array, dim: number, from: number, to: number): Float32Array {
  const sum = new Float32Array(dim);
  for (let r = from; r < to; r++) {
    for (let d = 0; d < dim; d++) {
      sum[d]! += vectors[r * dim + d]!;
    }
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((v) => v / norm);
}

/**
 * Finds the embedding jumps of one track. A jump before sample i needs both: samples i - 1 and i have cosine
 * similarity below `minSimilarity`, and so do the means of the `minSideFaces` samples before and from i (one blurred
 * or turned-away sample is no jump); every part between kept jumps has at least `minSideFaces` samples.
 * @param vectors - the track's face-sample embeddings in frame order, `Float32Array` N x dim, rows L2-normalised
 * @param dim - embedding length (512 with the default model)
 * @param minSimilarity - cosine similarity below which consecutive samples are two people (default:
 *   `config.review.cleanup_jump_similarity`)
 * @param minSideFaces - least samples of each part (default: `config.review.cleanup_min_side_faces`)
 * @returns the jumps, ascending by index (empty for fewer than 2 x `minSideFaces` samples)
 * @throws RangeError when `vectors.length` is not a multiple of `dim`
 * @see Everingham, Sivic and Zisserman 2006, "Hello! My name is... Buffy": face tracks are cut where the
 *   appearance changes abruptly, so that one track is one person
 */
export function findEmbeddingJumps(
  vectors: Float32Array,
  dim: number,
  minSimilarity: number,
  minSideFaces: number,
): EmbeddingJump[] {
  if (dim <= 0 || vectors.length % dim !== 0) {
    throw new RangeError(`vectors has ${vectors.length} values: not a multiple of dim ${dim}`);
  }
  const n = vectors.length / dim;
  const row = (i: number): Float32Array => vectors.subarray(i * dim, (i + 1) * dim);
  const out: EmbeddingJump[] = [];
  let last = 0;
  for (let i = 1; i < n; i++) {
    const similarity = dot(row(i - 1), row(i));
    if (similarity >= minSimilarity || i - last < minSideFaces || n - i < minSideFaces) {
      continue;
    }
    const before = meanOf(vectors, dim, Math.max(last, i - minSideFaces), i);
    const after = meanOf(vectors, dim, i, Math.min(n, i + minSideFaces));
    const windowSimilarity = dot(before, after);
    if (windowSimilarity < minSimilarity) {
      const round = (v: number): number => Math.round(v * 1e4) / 1e4;
      out.push({
        index: i,
        similarity: round(similarity),
        window_similarity: round(windowSimilarity),
      });
      last = i;
    }
  }
  return out;
}
