/** @module Face alignment: similarity transform from five landmarks onto the ArcFace 112 x 112 template, and the warp. */
import { InputError } from '../../errors.ts';
import type { Point, RgbImage } from '../../types.ts';

/** Side of the aligned face crop, in pixels. */
export const ALIGNED_SIZE_PX = 112;

/**
 * Where the five landmarks (left eye, right eye, nose, left mouth corner, right mouth corner) land in a
 * 112 x 112 aligned crop.
 *
 * @see insightface `face_align.py` (`arcface_dst`); Deng et al. 2019 "ArcFace".
 */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * 2 x 3 affine matrix, row-major `[a, b, c, d, e, f]`: `x' = a x + b y + c`, `y' = d x + e y + f` (OpenCV's `M`).
 * Pixel centres are at integer coordinates.
 */
export type Affine = [number, number, number, number, number, number];

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) mapping `src` onto `dst`.
 *
 * In 2-D, Umeyama's SVD solution equals the closed form used here: with centred points as complex numbers,
 * `s·e^{iθ} = Σ conj(x) y / Σ |x|²`, which is also the optimum over proper rotations.
 *
 * @param src - points to move, in pixels (at least 2, not all equal)
 * @param dst - target points, same count and order
 * @returns the affine matrix of the transform
 * @throws InputError (`INPUT_INVALID`) when the counts differ, fewer than 2 points are given, or `src` is degenerate
 * @see Umeyama 1991 "Least-squares estimation of transformation parameters between two point patterns";
 *   scikit-image `SimilarityTransform.estimate`, used by insightface `norm_crop`.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) {
    throw new InputError(
      `Similarity needs two lists of the same length >= 2, got ${n} and ${dst.length} points`,
    );
  }
  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]![0];
    sy += src[i]![1];
    dx += dst[i]![0];
    dy += dst[i]![1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = src[i]![0] - sx;
    const ay = src[i]![1] - sy;
    const bx = dst[i]![0] - dx;
    const by = dst[i]![1] - dy;
    dot += ax * bx + ay * by;
    cross += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  if (!(norm > 1e-12)) {
    throw new InputError('Similarity source points all coincide; check the landmarks');
  }
  const a = dot / norm; // s cos θ
  const b = cross / norm; // s sin θ
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

/**
 * Warps an RGB image by `m` (source to output) into a caller-owned buffer, by inverse mapping with bilinear
 * interpolation; output pixels that sample outside the source are black (border 0, as `cv2.warpAffine` with
 * `BORDER_CONSTANT`).
 *
 * @param img - source image
 * @param m - transform from source pixels to output pixels
 * @param out - output buffer, at least `outW * outH * 3` bytes, RGB24, written in full
 * @param outW - output width in pixels
 * @param outH - output height in pixels
 * @throws InputError (`INPUT_INVALID`) when `out` is too small or `m` is not invertible
 */
export function warpAffineRgb(
  img: RgbImage,
  m: Affine,
  out: Uint8Array,
  outW = ALIGNED_SIZE_PX,
  outH = ALIGNED_SIZE_PX,
): void {
  if (out.length < outW * outH * 3) {
    throw new InputError(
      `Warp output buffer holds ${out.length} bytes, needs ${outW * outH * 3} for ${outW}x${outH} RGB`,
    );
  }
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!(Math.abs(det) > 1e-12)) {
    throw new InputError('Warp transform is not invertible; check the landmarks');
  }
  // Inverse: source = A^-1 (output - t).
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  const ic = -(ia * c + ib * f);
  const iF = -(id * c + ie * f);
  const { data, widthPx: w, heightPx: h } = img;
  for (let v = 0, o = 0; v < outH; v++) {
    for (let u = 0; u < outW; u++, o += 3) {
      const x = ia * u + ib * v + ic;
      const y = id * u + ie * v + iF;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // All four taps inside the image (nearly every pixel): the loop below unrolled, same sums in the same order.
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const p00 = (y0 * w + x0) * 3;
        const p10 = p00 + w * 3;
        out[o] = Math.round(
          w00 * data[p00]! + w01 * data[p00 + 3]! + w10 * data[p10]! + w11 * data[p10 + 3]!,
        );
        out[o + 1] = Math.round(
          w00 * data[p00 + 1]! + w01 * data[p00 + 4]! + w10 * data[p10 + 1]! + w11 * data[p10 + 4]!,
        );
        out[o + 2] = Math.round(
          w00 * data[p00 + 2]! + w01 * data[p00 + 5]! + w10 * data[p10 + 2]! + w11 * data[p10 + 5]!,
        );
        continue;
      }
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let k = 0; k < 4; k++) {
        const xx = x0 + (k & 1);
        const yy = y0 + (k >> 1);
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
          continue;
        }
        const wt = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
        const p = (yy * w + xx) * 3;
        r += wt * data[p]!;
        g += wt * data[p + 1]!;
        bl += wt * data[p + 2]!;
      }
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(bl);
    }
  }
}

/**
 * Aligns a face to the ArcFace template: estimates the similarity from its five landmarks to
 * `ARCFACE_TEMPLATE_112` and warps the image into a 112 x 112 RGB crop (as insightface `norm_crop`).
 *
 * @param img - the image the landmarks are in
 * @param landmarks5 - left eye, right eye, nose, left mouth corner, right mouth corner, in `img` pixels
 * @param out - caller-owned buffer of at least 112 x 112 x 3 bytes, RGB24
 * @returns the transform used (image pixels to crop pixels)
 * @throws InputError (`INPUT_INVALID`) when there are not exactly five landmarks or they are degenerate
 */
export function alignFace(img: RgbImage, landmarks5: readonly Point[], out: Uint8Array): Affine {
  if (landmarks5.length !== ARCFACE_TEMPLATE_112.length) {
    throw new InputError(`Face alignment needs 5 landmarks, got ${landmarks5.length}`);
  }
  const m = estimateSimilarity(landmarks5, ARCFACE_TEMPLATE_112);
  warpAffineRgb(img, m, out, ALIGNED_SIZE_PX, ALIGNED_SIZE_PX);
  return m;
}
