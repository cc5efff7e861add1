/**
 * @module Tracklet stitching within a shot: a track that ends and another that starts shortly after it, where the
 * first one's motion leads, become one track (a face turning to profile or moving fast breaks the IoU association).
 */
import type { BBox, Detection } from '../../types.ts';
import { roundTo } from '../round.ts';
import type { TrackRow } from './index.ts';

/** Stitching settings; each maps to `config.track`. */
export interface StitchOptions {
  /** Longest time from one track's last detection to the next one's first, seconds (`track.stitch_max_gap_s`). */
  maxGapS: number;
  /**
   * Largest distance from the first track's box centre, carried on at its last velocity to the second track's
   * first time, to the second track's first box centre, in face heights (`track.stitch_max_shift`).
   */
  maxShift: number;
  /** Largest ratio of the two face heights, larger over smaller, at least 1 (`track.stitch_max_size_ratio`). */
  maxSizeRatio: number;
}

/** A link made: `from`'s detections continue as `into`. */
export interface StitchLink {
  /** Track id kept (the earlier track). */
  into: number;
  /** Track id removed (the later track). */
  from: number;
  /** Seconds between the two. */
  gap_s: number;
  /** Centre distance from the extrapolated box, in face heights. */
  shift: number;
}

const centre = (b: BBox): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
const height = (b: BBox): number => b[3] - b[1];

/**
 * Joins tracks of one shot broken at a turn or a fast move. Track B continues track A when they lie in the same shot,
 * B starts after A's last detection (they never share a frame, so they cannot be two people seen together) within
 * `maxGapS`, B's first face is within `maxSizeRatio` of A's last face height, and B's first box centre lies within
 * `maxShift` face heights of A's last centre carried on at A's velocity over its last two detections. Candidate
 * pairs are taken greedily, nearest first; each track continues at most one and is continued by at most one, so
 * a chain of tracks (A continued by B, B by C) becomes one track.
 *
 * Changes its inputs in place: the kept track (the earliest of a chain, its id unchanged) gets the others'
 * detections, span, counts, mean score, median face height, end reason, face-sample candidates (in time order) and
 * clothing descriptor (mean over the parts' candidates);
 * the others are removed from `tracks`, and their detections' `track_id` becomes the kept one.
 *
 * @param tracks - detect_track's rows, `shot_idx` set; changed in place
 * @param detections - every detection of the run (`track_id` links them to `tracks`); changed in place
 * @param opts - gap, shift and size gates
 * @returns the links made, in the order taken
 * @see Du et al. 2023, "StrongSORT: Make DeepSORT Great Again" (IEEE TMM), AFLink: tracklets associated from
 *   spatio-temporal continuity alone (here a hand-set rule in place of its learned model); Zhang et al. 2022,
 *   "ByteTrack" (the tracker whose IoU association breaks on fast motion).
 */
export function stitchTracks(
  tracks: TrackRow[],
  detections: Detection[],
  opts: StitchOptions,
): StitchLink[] {
  const own = new Map<number, Detection[]>();
  for (const d of detections) {
    if (d.track_id !== null) {
      const list = own.get(d.track_id);
      if (list) {
        list.push(d);
      } else {
        own.set(d.track_id, [d]);
      }
    }
  }
  const byShot = new Map<number, TrackRow[]>();
  for (const t of tracks) {
    byShot.set(t.shot_idx, [...(byShot.get(t.shot_idx) ?? []), t]);
  }
  const pairs: StitchLink[] = [];
  for (const a of tracks) {
    const da = own.get(a.track_id);
    if (!da) {
      continue;
    }
    const last = da[da.length - 1]!;
    const prev = da.length > 1 ? da[da.length - 2]! : last;
    const dt = last.ts - prev.ts;
    const [lx, ly] = centre(last.bbox_xyxy);
    const [px, py] = centre(prev.bbox_xyxy);
    const vx = dt > 0 ? (lx - px) / dt : 0;
    const vy = dt > 0 ? (ly - py) / dt : 0;
    const ha = height(last.bbox_xyxy);
    for (const b of byShot.get(a.shot_idx)!) {
      const first = own.get(b.track_id)?.[0];
      const gap = first ? first.ts - last.ts : -1;
      if (!first || gap <= 0 || gap > opts.maxGapS) {
        continue;
      }
      const hb = height(first.bbox_xyxy);
      if (Math.max(ha, hb) > opts.maxSizeRatio * Math.min(ha, hb)) {
        continue;
      }
      const [bx, by] = centre(first.bbox_xyxy);
      const shift = Math.hypot(bx - (lx + vx * gap), by - (ly + vy * gap)) / ((ha + hb) / 2);
      if (shift <= opts.maxShift) {
        pairs.push({ into: a.track_id, from: b.track_id, gap_s: gap, shift });
      }
    }
  }
  pairs.sort((p, q) => p.shift - q.shift || p.gap_s - q.gap_s);
  const hasNext = new Set<number>();
  const hasPrev = new Set<number>();
  const links = pairs.filter((p) => {
    if (hasNext.has(p.into) || hasPrev.has(p.from)) {
      return false;
    }
    hasNext.add(p.into);
    hasPrev.add(p.from);
    return true;
  });
  if (links.length === 0) {
    return links;
  }
  // Each removed track's chain head: follow `into` back to a track nobody continues.
  const prevOf = new Map(links.map((l) => [l.from, l.into]));
  const headOf = (id: number): number => {
    let h = id;
    while (prevOf.has(h)) {
      h = prevOf.get(h)!;
    }
    return h;
  };
  const byId = new Map(tracks.map((t) => [t.track_id, t]));
  const members = new Map<number, TrackRow[]>();
  for (const t of tracks) {
    const h = headOf(t.track_id);
    members.set(h, [...(members.get(h) ?? []), t]);
  }
  for (const d of detections) {
    if (d.track_id !== null && prevOf.has(d.track_id)) {
      d.track_id = headOf(d.track_id);
    }
  }
  for (const [h, rows] of members) {
    if (rows.length > 1) {
      mergeInto(byId.get(h)!, rows, own);
    }
  }
  const removed = new Set(prevOf.keys());
  const kept = tracks.filter((t) => !removed.has(t.track_id));
  tracks.splice(0, tracks.length, ...kept);
  return links;
}

/** Rewrites `head` (the first of `rows`) as the union of `rows`, all in one shot and disjoint in time. */
function mergeInto(head: TrackRow, rows: TrackRow[], own: Map<number, Detection[]>): void {
  const ordered = [...rows].sort((a, b) => a.first_ts - b.first_ts);
  const dets = ordered.flatMap((t) => own.get(t.track_id) ?? []);
  const heights = dets.map((d) => height(d.bbox_xyxy)).sort((a, b) => a - b);
  const tail = ordered[ordered.length - 1]!;
  const n = ordered.reduce((s, t) => s + t.n_detections, 0);
  let clothing = head.clothing;
  const dressed = ordered.filter((t) => t.clothing);
  if (dressed.length > 0) {
    // Each part's clothing is a mean over its candidates: weigh the parts by their candidate counts.
    const weight = dressed.reduce((s, t) => s + t.candidates.length, 0);
    clothing = dressed[0]!.clothing!.map((_, k) =>
      roundTo(dressed.reduce((s, t) => s + t.clothing![k]! * t.candidates.length, 0) / weight, 3),
    );
  }
  Object.assign(head, {
    last_frame_idx: tail.last_frame_idx,
    last_ts: tail.last_ts,
    end_reason: tail.end_reason,
    n_detections: n,
    mean_conf: roundTo(ordered.reduce((s, t) => s + t.mean_conf * t.n_detections, 0) / n, 4),
    median_face_px: roundTo(heights[Math.floor(heights.length / 2)]!, 1),
    candidates: ordered.flatMap((t) => t.candidates),
    clothing,
  } satisfies Partial<TrackRow>);
}
