/**
 * @module Tests of tracklet stitching on real detections: the boxes of the sitcom clip's shot at 61.38-63.00 s
 * (Fresh Off the Boat, Jessica walking across the kitchen, face in 3/4 view and profile), where ByteTrack at the
 * default profile broke her track in two (the face moves about its own width per analysed frame, so the IoU gate
 * missed one frame), and the preceding shot's track of another person.
 */
import { describe, expect, it } from 'vitest';
import type { BBox, Detection } from '../../types.ts';
import type { TrackRow } from './index.ts';
import { stitchTracks, type StitchOptions } from './stitch.ts';

const OPTS: StitchOptions = { maxGapS: 1, maxShift: 1, maxSizeRatio: 1.5 };

/** `[frame_idx, ts, bbox, track_id, shot_idx]` of `detections.jsonl` of a run on seconds 60-70 of the clip. */
const REAL: [number, number, BBox, number, number][] = [
  [24, 1.001, [512.2, 220.8, 647.9, 395.4], 1, 0],
  [30, 1.2512, [514.9, 216.5, 642.1, 383], 1, 0],
  [36, 1.5015, [716.5, 76, 780.6, 176.5], 2, 1],
  [42, 1.7517, [696.2, 85.6, 762.5, 188.2], 2, 1],
  [55, 2.294, [597.6, 97.3, 669.8, 207.4], 3, 1],
  [60, 2.5025, [563.8, 71.2, 635.3, 186.8], 3, 1],
  [67, 2.7945, [530.2, 83.7, 603.3, 206.4], 3, 1],
];

function world(rows: typeof REAL): { tracks: TrackRow[]; detections: Detection[] } {
  const detections: Detection[] = rows.map(([frame_idx, ts, bbox_xyxy, track_id]) => ({
    frame_idx,
    ts,
    bbox_xyxy,
    conf: 0.99,
    landmarks: [],
    track_id,
  }));
  const ids = [...new Set(rows.map((r) => r[3]))];
  const tracks = ids.map((id): TrackRow => {
    const own = rows.filter((r) => r[3] === id);
    return {
      track_id: id,
      shot_idx: own[0]![4],
      first_frame_idx: own[0]![0],
      last_frame_idx: own.at(-1)![0],
      first_ts: own[0]![1],
      last_ts: own.at(-1)![1],
      n_detections: own.length,
      mean_conf: 0.99,
      median_face_px: 100,
      end_reason: 'gap',
      candidates: own.map((r) => ({
        frame_idx: r[0],
        ts: r[1],
        conf: 0.99,
        face_px: r[2][3] - r[2][1],
        sharpness: 100,
        quality: 0.5,
        crop: `crops/${id}/${r[0]}.jpg`,
      })),
      clothing: id === 2 ? [1, 0] : id === 3 ? [0, 1] : null,
    };
  });
  return { tracks, detections };
}

describe('stitchTracks', () => {
  it('joins the two halves of a walk across the frame, in the same shot, into the earlier track', () => {
    const { tracks, detections } = world(REAL);
    const links = stitchTracks(tracks, detections, OPTS);
    expect(links.map((l) => [l.into, l.from])).toEqual([[2, 3]]);
    expect(links[0]!.gap_s).toBeCloseTo(0.542, 3);
    expect(links[0]!.shift).toBeLessThan(OPTS.maxShift);
    expect(tracks.map((t) => t.track_id)).toEqual([1, 2]);
    const walk = tracks[1]!;
    expect([walk.first_ts, walk.last_ts, walk.n_detections, walk.last_frame_idx]).toEqual([
      1.5015, 2.7945, 5, 67,
    ]);
    expect(walk.candidates.map((c) => c.frame_idx)).toEqual([36, 42, 55, 60, 67]);
    expect(walk.median_face_px).toBe(110.1);
    // Clothing: track 2's two candidates all red, track 3's three all grey.
    expect(walk.clothing).toEqual([0.4, 0.6]);
    expect(detections.filter((d) => d.track_id === 3)).toEqual([]);
    expect(detections.filter((d) => d.track_id === 2).map((d) => d.frame_idx)).toEqual([
      36, 42, 55, 60, 67,
    ]);
  });

  it('never joins across a shot cut, beyond the gap, or where the motion does not lead there', () => {
    const acrossCut = world(
      REAL.map((r) => (r[3] === 3 ? ([...r.slice(0, 4), 2] as (typeof REAL)[0]) : r)),
    );
    expect(stitchTracks(acrossCut.tracks, acrossCut.detections, OPTS)).toEqual([]);

    const direct = world(REAL);
    expect(stitchTracks(direct.tracks, direct.detections, { ...OPTS, maxGapS: 0.5 })).toEqual([]);

    // The second half moved 300 px to the right: the walk to the left cannot land there.
    const elsewhere = world(
      REAL.map((r) =>
        r[3] === 3
          ? ([
              r[0],
              r[1],
              [r[2][0] + 300, r[2][1], r[2][2] + 300, r[2][3]],
              3,
              1,
            ] as (typeof REAL)[0])
          : r,
      ),
    );
    expect(stitchTracks(elsewhere.tracks, elsewhere.detections, OPTS)).toEqual([]);
    expect(elsewhere.tracks).toHaveLength(3);
  });
});
