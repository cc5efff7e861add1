/**
 * @module Track prototype: the normalised mean of a track's face embeddings, and how spread the samples are.
 */

/**
 * Normalised mean of some rows of an embedding matrix, and the mean cosine distance of those rows to it.
 * @param rows - N x dim float32, row-major, each row L2-normalised
 * @param dim - embedding dimension (512 with the default model)
 * @param which - row indices to average
 * @returns prototype (length `dim`, unit norm, rounded to 6 decimals) and spread in [0, 2]; null when `which` is empty
 */
export function meanPrototype(
  rows: Float32Array,
  dim: number,
  which: number[],
): { prototype: number[]; spread: number } | null {
  if (which.length === 0) {
    return null;
  }
  const mean = new Float64Array(dim);
  for (const r of which) {
    for (let d = 0; d < dim; d++) {
      mean[d]! += rows[r * dim + d]!;
    }
  }
  const norm = Math.hypot(...mean) || 1;
  for (let d = 0; d < dim; d++) {
    mean[d]! /= norm;
  }
  let spread = 0;
  for (const r of which) {
    let dot = 0;
    for (let d = 0; d < dim; d++) {
      dot += rows[r * dim + d]! * mean[d]!;
    }
    spread += 1 - dot;
  }
  return {
    prototype: Array.from(mean, (v) => Math.round(v * 1e6) / 1e6),
    spread: Math.round((spread / which.length) * 1e4) / 1e4,
  };
}
