/**
 * @module Tracking health figures for `track_metrics.json`: how many tracks, how short, how often cut.
 */

/** The fields of a track row the metrics read. */
export interface TrackSpan {
  /** First detection time, seconds. */
  first_ts: number;
  /** Last detection time, seconds. */
  last_ts: number;
  /** Why the track ended. */
  end_reason: 'gap' | 'shot_cut' | 'end';
}

/** Figures written to `track_metrics.json`. */
export interface TrackMetrics {
  /** Confirmed tracks. */
  tracks_born: number;
  /** Tracks per minute of video. */
  tracks_per_minute: number;
  /** Fraction of tracks shorter than `SHORT_TRACK_S` seconds. */
  short_track_fraction: number;
  /** Duration of the longest track, seconds. */
  longest_track_s: number;
  /** Tracks ended by a shot cut (forced splits). */
  forced_splits_at_cuts: number;
}

/** A track shorter than this many seconds counts as short. */
export const SHORT_TRACK_S = 1;

/**
 * Computes the tracking metrics.
 * @param tracks - every confirmed track
 * @param durationS - video duration in seconds
 */
export function computeTrackMetrics(tracks: TrackSpan[], durationS: number): TrackMetrics {
  const lengths = tracks.map((t) => t.last_ts - t.first_ts);
  const n = tracks.length;
  const r3 = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    tracks_born: n,
    tracks_per_minute: durationS > 0 ? r3((n * 60) / durationS) : 0,
    short_track_fraction: n > 0 ? r3(lengths.filter((l) => l < SHORT_TRACK_S).length / n) : 0,
    longest_track_s: r3(Math.max(0, ...lengths)),
    forced_splits_at_cuts: tracks.filter((t) => t.end_reason === 'shot_cut').length,
  };
}
