/**
 * @module Tests of the yaw estimate: the five points of a 3-D mean face turned by known angles and projected, and
 * landmarks of real sitcom detections (a frontal face and a profile).
 */
import { describe, expect, it } from 'vitest';
import type { Point } from '../../types.ts';
import { estimateYawDeg } from './pose.ts';

/**
 * Eye centres, nose tip, mouth corners of a mean face, in units of the eye-to-mouth distance (x right, y down,
 * z towards the camera): the ArcFace template's proportions, nose tip 0.42 in front of the eyes and mouth.
 */
const FACE_3D: [number, number, number][] = [
  [-0.433, 0, 0],
  [0.433, 0, 0],
  [0, 0.5, 0.42],
  [-0.358, 1, 0],
  [0.358, 1, 0],
];

/** The face turned by `yawDeg` about the vertical axis and `rollDeg` in the image plane, at scale 80 px. */
function project(yawDeg: number, rollDeg: number): Point[] {
  const y = (yawDeg * Math.PI) / 180;
  const r = (rollDeg * Math.PI) / 180;
  return FACE_3D.map(([x, yy, z]) => {
    const xr = x * Math.cos(y) + z * Math.sin(y);
    const px = 80 * (xr * Math.cos(r) - yy * Math.sin(r)) + 300;
    const py = 80 * (xr * Math.sin(r) + yy * Math.cos(r)) + 200;
    return [px, py];
  });
}

describe('estimateYawDeg', () => {
  it('recovers the yaw of a turned mean face within 1 degree, whatever the roll and the side', () => {
    for (const yaw of [0, 15, 30, 45, 60, 75]) {
      for (const roll of [0, 20, -35]) {
        expect(estimateYawDeg(project(yaw, roll))).toBeCloseTo(yaw, 0);
        expect(estimateYawDeg(project(-yaw, roll))).toBeCloseTo(yaw, 0);
      }
    }
  });

  it('tells a frontal sitcom face from a profile one by their detected landmarks', () => {
    // detections.jsonl of the clip's seconds 60-70 at the default profile: Evan facing the camera (frame 24) and
    // Jessica walking past in profile (frame 60); see stitch.test.ts.
    const frontal: Point[] = [
      [542.3, 289.5],
      [604.8, 284.7],
      [573.1, 328.5],
      [560.4, 355.5],
      [600.2, 353],
    ];
    const profile: Point[] = [
      [567.1, 114.9],
      [588.7, 119.8],
      [565.7, 133.8],
      [569.2, 153.7],
      [583.5, 156.1],
    ];
    expect(estimateYawDeg(frontal)).toBeLessThan(15);
    expect(estimateYawDeg(profile)).toBeGreaterThan(40);
  });

  it('reads 90 degrees where the points give no scale', () => {
    const p: Point = [10, 10];
    expect(estimateYawDeg([p, p, p, p, p])).toBe(90);
    expect(estimateYawDeg([])).toBe(90);
  });
});
