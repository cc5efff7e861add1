/** @module Tests of the scene penalty between tracks (clothing within a scene, adjacent shots across a cut). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { scenePenalty, type SceneTrack } from './scene-evidence.ts';

const cfg = loadConfig({}, {}).cluster;
/** A clothing histogram with all its mass in bin `b` and the rest spread evenly. */
const clothes = (b: number, mass: number): number[] =>
  Array.from({ length: 30 }, (_, k) => (k === b ? mass : (1 - mass) / 29));
const track = (
  shot: number,
  from: number,
  to: number,
  clothing: number[] | null,
  facePx = 80,
): SceneTrack => ({
  shot_idx: shot,
  first_ts: from,
  last_ts: to,
  median_face_px: facePx,
  clothing,
});

describe('scenePenalty', () => {
  it('adds the whole clothing penalty within a scene, none across scenes or without a descriptor', () => {
    const tracks = [
      track(0, 0, 2, clothes(3, 0.9)),
      track(2, 5, 6, clothes(20, 0.9)), // 3 s later, other clothes
      track(9, 40, 41, clothes(20, 0.9)), // 34 s later: another scene
      track(3, 7, 8, null),
    ];
    const pen = scenePenalty(tracks, cfg);
    expect(pen(0, 1)).toBeCloseTo(cfg.clothing_penalty, 6);
    expect(pen(0, 2)).toBe(0);
    expect(pen(0, 3)).toBe(0);
    expect(pen(1, 2)).toBe(0);
  });

  it('adds nothing for the same clothes in one shot, and the cut penalty for adjacent shots', () => {
    const same = clothes(3, 0.9);
    const pen = scenePenalty(
      [track(0, 0, 2, same), track(0, 2.5, 3, same), track(1, 3.3, 4, same)],
      cfg,
    );
    expect(pen(0, 1)).toBe(0);
    expect(pen(1, 2)).toBeCloseTo(cfg.cut_penalty, 6);
    expect(pen(0, 2)).toBe(0); // 1.3 s apart: over cut_gap_s
  });

  it('ramps the clothing penalty up between the two clothing distances', () => {
    // Distances to clothes(3, 0.9): mass 0.8 -> 0.010 (below 0.04), 0.6 -> 0.065 (in the ramp), 0.4 -> 0.155.
    const pen = (mass: number): number =>
      scenePenalty([track(0, 0, 1, clothes(3, 0.9)), track(0, 2, 3, clothes(3, mass))], cfg)(0, 1);
    expect(pen(0.8)).toBe(0);
    expect(pen(0.6)).toBeGreaterThan(0.2 * cfg.clothing_penalty);
    expect(pen(0.6)).toBeLessThan(0.6 * cfg.clothing_penalty);
    expect(pen(0.4)).toBeCloseTo(cfg.clothing_penalty, 6);
  });

  it('adds nothing between a wide-shot face and a close-up (face heights over scene_max_size_ratio apart)', () => {
    const pen = scenePenalty(
      [track(0, 0, 2, clothes(3, 0.9), 30), track(1, 2.2, 3, clothes(20, 0.9), 80)],
      cfg,
    );
    expect(pen(0, 1)).toBe(0);
    const alike = scenePenalty(
      [track(0, 0, 2, clothes(3, 0.9), 60), track(1, 2.2, 3, clothes(20, 0.9), 80)],
      cfg,
    );
    expect(alike(0, 1)).toBeCloseTo(cfg.clothing_penalty + cfg.cut_penalty, 6);
  });
});
