/** @module Tests of matching the tracks of two runs of one video. */
import { describe, expect, it } from 'vitest';
import type { BBox } from '../types.ts';
import { mapTracks } from './track-map.ts';

const det = (frame_idx: number, x: number, track_id: number) => ({
  frame_idx,
  bbox_xyxy: [x, 10, x + 50, 60] as BBox,
  track_id,
});

describe('mapTracks', () => {
  it('maps each new track to the old track its boxes overlap in the nearest analysed frames', () => {
    const old = [
      det(0, 0, 1),
      det(4, 2, 1),
      det(8, 4, 1),
      det(0, 200, 2),
      det(4, 200, 2),
      det(100, 0, 3),
    ];
    const fresh = [det(0, 1, 7), det(8, 5, 7), det(2, 199, 8), det(6, 201, 8), det(300, 0, 9)];
    expect(mapTracks(old, fresh, 4, 0.3)).toEqual(
      new Map([
        [7, 1],
        [8, 2],
      ]),
    );
  });

  it('leaves a new track unmatched when the boxes overlap less than the least IoU', () => {
    expect(mapTracks([det(0, 0, 1)], [det(0, 40, 5)], 4, 0.3).size).toBe(0);
  });
});
