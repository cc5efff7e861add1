/**
 * @module Matching the tracks of a new run of an episode to those of an older run: each new track takes the old
 * track whose boxes overlap its own most often in the same (or the nearest analysed) frame.
 */
import type { BBox } from '../types.ts';
import type { RunDetection } from './run-data.ts';

function iou(a: BBox, b: BBox): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) {
    return 0;
  }
  const inter = w * h;
  const area = (r: BBox): number => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

function nearest(sorted: readonly number[], x: number): number | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const after = sorted[lo];
  const before = lo > 0 ? sorted[lo - 1] : undefined;
  if (after === undefined) {
    return before;
  }
  return before !== undefined && x - before < after - x ? before : after;
}

/**
 * Maps each track of a new run to a track of an old run of the same video by majority vote of its detections:
 * a detection votes for the old track whose box in the nearest old analysed frame (at most `toleranceFrames` away)
 * overlaps it best, when that IoU is at least `minIou`.
 * @param oldDets - detections of the old run that joined a track (source-video pixels and frame indices)
 * @param newDets - detections of the new run that joined a track
 * @param toleranceFrames - largest frame distance of a match (the larger sampling stride of the two runs)
 * @param minIou - least IoU of a match (default: `config.review.carry_over_min_iou`)
 * @returns new track id to old track id, for the new tracks that matched
 */
export function mapTracks(
  oldDets: readonly RunDetection[],
  newDets: readonly RunDetection[],
  toleranceFrames: number,
  minIou: number,
): Map<number, number> {
  const byFrame = new Map<number, RunDetection[]>();
  for (const d of oldDets) {
    byFrame.set(d.frame_idx, [...(byFrame.get(d.frame_idx) ?? []), d]);
  }
  const frames = [...byFrame.keys()].sort((a, b) => a - b);
  const votes = new Map<number, Map<number, number>>();
  for (const d of newDets) {
    const f = nearest(frames, d.frame_idx);
    if (f === undefined || Math.abs(f - d.frame_idx) > toleranceFrames) {
      continue;
    }
    let best: RunDetection | undefined;
    let bestIou = minIou;
    for (const o of byFrame.get(f)!) {
      const v = iou(d.bbox_xyxy, o.bbox_xyxy);
      if (v >= bestIou) {
        bestIou = v;
        best = o;
      }
    }
    if (best) {
      const forTrack = votes.get(d.track_id!) ?? new Map<number, number>();
      forTrack.set(best.track_id!, (forTrack.get(best.track_id!) ?? 0) + 1);
      votes.set(d.track_id!, forTrack);
    }
  }
  const out = new Map<number, number>();
  for (const [newTrack, counts] of votes) {
    const [oldTrack] = [...counts].reduce((a, b) =>
      b[1] > a[1] || (b[1] === a[1] && b[0] < a[0]) ? b : a,
    );
    out.set(newTrack, oldTrack);
  }
  return out;
}
