/**
 * @module Recall of labelled faces by face height band (issue 11): which labelled faces a run's detections found,
 * which identities those detections' tracks ended in, per real person, and which frames a profile analyses.
 */
import { loadConfig, resolveProfile } from '../src/config/index.ts';
import { probeVideo, readFrames } from '../src/media/index.ts';
import type { BBox, ProfileName } from '../src/types.ts';

/** Face height bands of issue 11, in source-video pixels of a 720p frame: `[minPx, maxPx)`. */
export const HEIGHT_BANDS = [
  { band: '16-24', minPx: 16, maxPx: 24 },
  { band: '24-40', minPx: 24, maxPx: 40 },
  { band: '40+', minPx: 40, maxPx: Infinity },
] as const;

/** Name of a height band. */
export type HeightBand = (typeof HEIGHT_BANDS)[number]['band'];

/** A labelled face in an analysed frame. */
export interface LabelledFace {
  /** Source-video frame index of the analysed frame the label is scored on. */
  frameIdx: number;
  /** Who it is. */
  person: string;
  /** Face box in source-video pixels. */
  bbox: BBox;
}

/** The part of a `detections.jsonl` row the scoring reads. */
export interface ScoredDetection {
  /** Source-video frame index. */
  frame_idx: number;
  /** Box in source-video pixels. */
  bbox_xyxy: BBox;
  /** Track, or null. */
  track_id: number | null;
}

/** Recall of one band. */
export interface BandRecall {
  /** Labelled faces in the band. */
  labelled: number;
  /** Of them, found by a detection. */
  found: number;
  /** found / labelled (null when nothing is labelled). */
  recall: number | null;
}

/** Recall per band, and per person the identities their found faces ended in. */
export interface RecallReport {
  /** Per height band. */
  bands: Record<HeightBand, BandRecall>;
  /** Per person: identity ids of the tracks of their found faces (`unclustered` for a track without one, `no_track` for a detection on no track), with the number of faces. */
  identities: Record<string, Record<string, number>>;
}

/** Intersection over union of two boxes. */
function iou(a: BBox, b: BBox): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) {
    return 0;
  }
  const inter = iw * ih;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/**
 * The height band of a face, or null below the smallest.
 * @param heightPx - face height in source pixels
 */
export function bandOf(heightPx: number): HeightBand | null {
  return HEIGHT_BANDS.find((b) => heightPx >= b.minPx && heightPx < b.maxPx)?.band ?? null;
}

/**
 * Scores labels against detections: a label is found when a detection of its frame overlaps it with IoU at least
 * `minIou` (each detection matches at most one label, best overlap first).
 * @param labels - labelled faces, each in an analysed frame
 * @param detections - the run's detections
 * @param trackIdentity - identity id of each clustered track
 * @param minIou - least IoU of a match (0.3 for hand labels, which are approximate)
 * @returns recall per band and identities per person
 */
export function scoreRecall(
  labels: readonly LabelledFace[],
  detections: readonly ScoredDetection[],
  trackIdentity: ReadonlyMap<number, string>,
  minIou: number,
): RecallReport {
  const byFrame = new Map<number, ScoredDetection[]>();
  for (const d of detections) {
    const list = byFrame.get(d.frame_idx) ?? [];
    list.push(d);
    byFrame.set(d.frame_idx, list);
  }
  const bands = Object.fromEntries(
    HEIGHT_BANDS.map((b) => [b.band, { labelled: 0, found: 0, recall: null }]),
  ) as Record<HeightBand, BandRecall>;
  const identities: RecallReport['identities'] = {};
  const used = new Set<ScoredDetection>();
  for (const label of labels) {
    const band = bandOf(label.bbox[3] - label.bbox[1]);
    if (band === null) {
      continue;
    }
    bands[band].labelled++;
    let best: ScoredDetection | undefined;
    let bestIou = minIou;
    for (const d of byFrame.get(label.frameIdx) ?? []) {
      const v = iou(label.bbox, d.bbox_xyxy);
      if (!used.has(d) && v >= bestIou) {
        [best, bestIou] = [d, v];
      }
    }
    if (!best) {
      continue;
    }
    used.add(best);
    bands[band].found++;
    const id =
      best.track_id === null ? 'no_track' : (trackIdentity.get(best.track_id) ?? 'unclustered');
    const own = (identities[label.person] ??= {});
    own[id] = (own[id] ?? 0) + 1;
  }
  for (const b of Object.values(bands)) {
    b.recall = b.labelled > 0 ? Math.round((1000 * b.found) / b.labelled) / 1000 : null;
  }
  return { bands, identities };
}

/**
 * Source frame indexes a profile analyses in a video: the same ffmpeg sampling as detect_track (stride,
 * reference frames only, analysis width of the profile's defaults).
 * @param video - the video file
 * @param profileName - the profile
 * @returns frame indexes in order
 * @throws InputError when ffmpeg cannot read the video
 */
export async function analysedFrames(video: string, profileName: ProfileName): Promise<number[]> {
  const profile = resolveProfile(loadConfig({}, {}), profileName);
  const probe = await probeVideo(video);
  const out: number[] = [];
  for await (const frame of readFrames(video, {
    probe,
    stride: profile.stride,
    referenceOnly: profile.reference_frames_only,
    widthPx: profile.analysis_width_px,
    threads: profile.cpu_threads,
  })) {
    out.push(frame.frameIdx);
  }
  return out;
}
