/** @module ByteTrack multi-object tracker over the analysed frames of one video, with ids in confirmation order. */
import type { BBox } from '../../types.ts';
import { assignLinear } from './assignment.ts';
import { iou } from '../../models/index.ts';
import { BoxKalman } from './kalman.ts';

/** Tracker settings; each maps to `config.track`. */
export interface ByteTrackerOptions {
  /**
   * Detections with `score >= highScore` join the first association and may start tracks; the rest are "low"
   * (default: `config.track.high_score`).
   */
  highScore: number;
  /**
   * `highScore` of faces shorter than `smallFaceHeightPx` (default: `config.track.small_face_high_score`): a
   * detector scores faces of a few pixels lower, so small faces found by the zoomed pass could otherwise never
   * start a track. Default: `highScore`.
   */
  smallFaceHighScore?: number;
  /** Box height, in the tracker's pixel space, under which `smallFaceHighScore` applies. Default 0 (never). */
  smallFaceHeightPx?: number;
  /**
   * Minimum IoU of a match in the first (high-score) association and for tentative tracks
   * (default: `config.track.match_iou_high`).
   */
  matchIouHigh: number;
  /** Minimum IoU of a match in the second (low-score) association (default: `config.track.match_iou_low`). */
  matchIouLow: number;
  /**
   * A confirmed track unmatched for more than this many seconds (of frame `ts`) ends
   * (default: `config.track.max_gap_s`).
   */
  maxGapS: number;
  /** Consecutive matched analysed frames that confirm a new track (default: `config.track.min_hits`). */
  minHits: number;
  /** Id of the first track confirmed (a resumed run continues the numbering). Default 1. */
  firstTrackId?: number;
}

/** One detection of the current analysed frame. Scores are assumed `>= config.detect.score_threshold`. */
export interface TrackerInput {
  /** Box in pixels (any fixed pixel space for the whole video). */
  bbox: BBox;
  /** Detector score in [0, 1]. */
  score: number;
  /** The caller's detection id, unique over the video (e.g. the row in `detections.jsonl`). */
  index: number;
}

/** A detection bound to a confirmed track. */
export interface TrackerOutput {
  /** The caller's detection id (`TrackerInput.index`), possibly of an earlier frame (see `ByteTracker.update`). */
  index: number;
  /** Track id: positive integer, 1, 2, ... in order of confirmation. */
  trackId: number;
}

/** Why a track ended. */
export type TrackEndReason = 'gap' | 'shot_cut' | 'end';

/** A confirmed track that has ended. */
export interface FinishedTrack {
  /** Track id (see `TrackerOutput.trackId`). */
  trackId: number;
  /** Detection ids of the track, in frame order. */
  detIndices: number[];
  /** Source-video frame index of each entry of `detIndices`. */
  frameIdxs: number[];
  /** Time in seconds of the first detection. */
  firstTs: number;
  /** Time in seconds of the last detection. */
  lastTs: number;
  /** `gap`: unmatched for more than `maxGapS`; `shot_cut` / `end`: closed by `endAll`. */
  endReason: TrackEndReason;
}

type TrackState = 'tentative' | 'tracked' | 'lost';

interface LiveTrack {
  kalman: BoxKalman;
  state: TrackState;
  /** 0 while tentative. */
  trackId: number;
  hits: number;
  detIndices: number[];
  frameIdxs: number[];
  firstTs: number;
  lastTs: number;
}

/**
 * ByteTrack: tracks faces by IoU of Kalman-predicted boxes, and uses low-score detections to keep existing tracks
 * alive (the "BYTE" second association) without letting them start tracks.
 *
 * Per `update` (one analysed frame), following the reference `BYTETracker.update`:
 * 1. confirmed tracks (tracked and lost) unmatched for more than `maxGapS` seconds end (`gap`); all Kalman states
 *    are predicted one analysed frame ahead;
 * 2. high detections are matched to confirmed tracks (tracked and lost), cost `1 - IoU`, gate `matchIouHigh`;
 * 3. low detections are matched to the still unmatched `tracked` tracks, gate `matchIouLow`; tracked tracks still
 *    unmatched become `lost`;
 * 4. tentative tracks are matched to the remaining high detections (gate `matchIouHigh`); unmatched tentative tracks
 *    are dropped (their hits must be consecutive);
 * 5. every remaining high detection starts a tentative track. A track with `minHits` hits is confirmed.
 *
 * Differences from the reference, on purpose: the gap is in seconds of `ts`, not frames; ids are given at
 * confirmation, so dropped tentative tracks never use one; the first frame gets no special instant confirmation
 * (its detections get their id retroactively on the next frame); tentative tracks are predicted too; IoU is not
 * fused with the score; the duplicate-track removal step is left out.
 *
 * Getting the track id of every detection: collect the outputs of every `update` (each detection of a confirmed
 * track appears exactly once, some one frame or more late), or call `endAll('end')` after the last frame and read
 * `detIndices` of everything `drainEnded` returned. A detection in neither never joined a confirmed track
 * (`track_id: null`).
 *
 * @see Zhang et al. 2022 "ByteTrack: Multi-Object Tracking by Associating Every Detection Box" (ECCV), and the
 *   reference implementation `yolox/tracker/byte_tracker.py` (github.com/ifzhang/ByteTrack).
 */
export class ByteTracker {
  private live: LiveTrack[] = [];
  private ended: FinishedTrack[] = [];
  private nextId: number;

  /** @param opts - association gates, confirmation and gap; see `ByteTrackerOptions` */
  constructor(private readonly opts: ByteTrackerOptions) {
    this.nextId = opts.firstTrackId ?? 1;
  }

  /** Id the next confirmed track will get. */
  get nextTrackId(): number {
    return this.nextId;
  }

  /** True when no track is live (tentative, tracked or lost) and every ended one was drained: a clean restart point. */
  get idle(): boolean {
    return this.live.length === 0 && this.ended.length === 0;
  }

  /**
   * Feeds one analysed frame (frames in increasing `ts`) and its detections.
   *
   * @returns the detections newly bound to a confirmed track: this frame's detections of confirmed tracks, and all
   *   earlier detections of tracks confirmed at this frame
   */
  update(frame: { frameIdx: number; ts: number }, dets: TrackerInput[]): TrackerOutput[] {
    const { highScore, matchIouHigh, matchIouLow, maxGapS, minHits } = this.opts;
    this.live = this.live.filter((t) => {
      if (t.state === 'tentative' || frame.ts - t.lastTs <= maxGapS) {
        return true;
      }
      this.finish(t, 'gap');
      return false;
    });
    for (const t of this.live) {
      t.kalman.predict(t.state !== 'tracked');
    }

    const smallPx = this.opts.smallFaceHeightPx ?? 0;
    const smallHigh = this.opts.smallFaceHighScore ?? highScore;
    const isHigh = (d: TrackerInput): boolean =>
      d.score >= (d.bbox[3] - d.bbox[1] < smallPx ? smallHigh : highScore);
    const high = dets.filter(isHigh);
    const low = dets.filter((d) => !isHigh(d));
    const out: TrackerOutput[] = [];
    const matched = new Set<LiveTrack>();
    const hit = (t: LiveTrack, d: TrackerInput): void => {
      matched.add(t);
      this.hit(t, d, frame, out);
    };

    const pool = this.live.filter((t) => t.state !== 'tentative');
    const highLeft = associate(pool, high, matchIouHigh, hit);
    const tracked = pool.filter((t) => t.state === 'tracked' && !matched.has(t));
    associate(tracked, low, matchIouLow, hit);
    for (const t of tracked) {
      if (!matched.has(t)) {
        t.state = 'lost';
      }
    }

    const tentative = this.live.filter((t) => t.state === 'tentative');
    const newDets = associate(tentative, highLeft, matchIouHigh, hit);
    this.live = this.live.filter((t) => t.state !== 'tentative' || matched.has(t));

    for (const d of newDets) {
      const t: LiveTrack = {
        kalman: new BoxKalman(d.bbox),
        state: 'tentative',
        trackId: 0,
        hits: 0,
        detIndices: [],
        frameIdxs: [],
        firstTs: frame.ts,
        lastTs: frame.ts,
      };
      this.live.push(t);
      this.record(t, d, frame, out);
    }
    for (const t of this.live) {
      if (t.state === 'tentative' && t.hits >= minHits) {
        this.confirm(t, out);
      }
    }
    return out;
  }

  /** Ends every live track: confirmed ones become `FinishedTrack`s with `reason`, tentative ones are dropped. */
  endAll(reason: 'shot_cut' | 'end'): void {
    for (const t of this.live) {
      if (t.state !== 'tentative') {
        this.finish(t, reason);
      }
    }
    this.live = [];
  }

  /** Returns the tracks ended since the last call, in the order they ended, and forgets them. */
  drainEnded(): FinishedTrack[] {
    const ended = this.ended;
    this.ended = [];
    return ended;
  }

  private hit(
    t: LiveTrack,
    d: TrackerInput,
    frame: { frameIdx: number; ts: number },
    out: TrackerOutput[],
  ): void {
    t.kalman.update(d.bbox);
    if (t.state === 'lost') {
      t.state = 'tracked';
    }
    this.record(t, d, frame, out);
  }

  private record(
    t: LiveTrack,
    d: TrackerInput,
    frame: { frameIdx: number; ts: number },
    out: TrackerOutput[],
  ): void {
    t.hits++;
    t.detIndices.push(d.index);
    t.frameIdxs.push(frame.frameIdx);
    t.lastTs = frame.ts;
    if (t.trackId > 0) {
      out.push({ index: d.index, trackId: t.trackId });
    }
  }

  private confirm(t: LiveTrack, out: TrackerOutput[]): void {
    t.state = 'tracked';
    t.trackId = this.nextId++;
    for (const index of t.detIndices) {
      out.push({ index, trackId: t.trackId });
    }
  }

  private finish(t: LiveTrack, endReason: TrackEndReason): void {
    const { trackId, detIndices, frameIdxs, firstTs, lastTs } = t;
    this.ended.push({ trackId, detIndices, frameIdxs, firstTs, lastTs, endReason });
  }
}

/**
 * Optimally matches tracks to detections by `1 - IoU` of the track's predicted box, calls `onMatch` for each
 * pair with IoU `>= minIou` (and above 0), and returns the unmatched detections.
 */
function associate(
  tracks: LiveTrack[],
  dets: TrackerInput[],
  minIou: number,
  onMatch: (t: LiveTrack, d: TrackerInput) => void,
): TrackerInput[] {
  if (tracks.length === 0 || dets.length === 0) {
    return dets;
  }
  const cost = new Float64Array(tracks.length * dets.length);
  const predicted: BBox = [0, 0, 0, 0];
  tracks.forEach((t, i) => {
    t.kalman.box(predicted);
    dets.forEach((d, j) => {
      const overlap = iou(predicted, d.bbox);
      cost[i * dets.length + j] = overlap > 0 ? 1 - overlap : NaN;
    });
  });
  const rowToCol = assignLinear(cost, tracks.length, dets.length, 1 - minIou);
  const taken = new Uint8Array(dets.length);
  rowToCol.forEach((j, i) => {
    if (j < 0) {
      return;
    }
    taken[j] = 1;
    onMatch(tracks[i]!, dets[j]!);
  });
  return dets.filter((_, j) => !taken[j]);
}
