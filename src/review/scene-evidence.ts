/**
 * @module Evidence that two tracks are two people which their face embeddings lack (issue 11, look-alikes such as
 * siblings): within one scene a person keeps their clothes, so tracks of one scene in different clothes are
 * likelier two people (Everingham, Sivic and Zisserman 2006, "Hello! My name is... Buffy", BMVC, named TV
 * characters with the clothing below the face); and shot/reverse-shot editing alternates two people across cuts,
 * so tracks in adjacent shots are weaker merge candidates. Both become a distance added to the cosine distance of
 * the pair before average-linkage clustering.
 */
import type { Config } from '../config/index.ts';

/**
 * Distance of two clothing histograms (`tracks.jsonl` `clothing`, made by detect-track/clothing.ts):
 * `1 - Σ sqrt(p·q)` (one minus the Bhattacharyya coefficient; the squared Hellinger distance).
 * @param p - histogram, 30 bin fractions summing to 1 (`CLOTHING_BINS` of detect-track/clothing.ts)
 * @param q - histogram of the same length
 * @returns 0 for identical histograms, 1 for histograms with no bin in common
 */
export function clothingDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let bc = 0;
  for (let b = 0; b < p.length; b++) {
    bc += Math.sqrt(p[b]! * q[b]!);
  }
  return Math.max(0, 1 - bc);
}

/** What the penalty reads of a track (a `tracks.jsonl` row). */
export interface SceneTrack {
  /** Shot index of the track. */
  shot_idx: number;
  /** Time of the first detection, seconds. */
  first_ts: number;
  /** Time of the last detection, seconds. */
  last_ts: number;
  /** Median face height, source-video pixels. */
  median_face_px: number;
  /** Clothing histogram (`tracks.jsonl` `clothing`); null or absent when unknown. */
  clothing?: number[] | null;
}

/**
 * Scene penalty between tracks: for a pair whose time spans are at most `scene_window_s` apart,
 * `clothing_penalty` x ramp(clothing distance from `clothing_min_distance` to `clothing_full_distance`) (0 when
 * either track has no clothing descriptor); plus `cut_penalty` when the two lie in different shots at most
 * `cut_gap_s` apart. Neither applies between tracks whose median face heights differ by more than
 * `scene_max_size_ratio` (a wide shot and a close-up).
 * @param tracks - the clustered tracks, in item order
 * @param cfg - `config.cluster`
 * @returns the penalty of items i and j, a distance in [0, `clothing_penalty` + `cut_penalty`]
 */
export function scenePenalty(
  tracks: readonly SceneTrack[],
  cfg: Config['cluster'],
): (i: number, j: number) => number {
  const ramp = cfg.clothing_full_distance - cfg.clothing_min_distance;
  return (i, j) => {
    const a = tracks[i]!;
    const b = tracks[j]!;
    const sizes = [a.median_face_px, b.median_face_px].sort((x, y) => x - y);
    if (sizes[1]! > sizes[0]! * cfg.scene_max_size_ratio) {
      return 0;
    }
    const gap = Math.max(0, Math.max(a.first_ts, b.first_ts) - Math.min(a.last_ts, b.last_ts));
    let p = 0;
    if (gap <= cfg.scene_window_s && a.clothing && b.clothing) {
      const d = clothingDistance(a.clothing, b.clothing);
      p += cfg.clothing_penalty * Math.min(1, Math.max(0, (d - cfg.clothing_min_distance) / ramp));
    }
    if (a.shot_idx !== b.shot_idx && gap <= cfg.cut_gap_s) {
      p += cfg.cut_penalty;
    }
    return p;
  };
}
