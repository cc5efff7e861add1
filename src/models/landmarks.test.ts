/**
 * @module Tests of the 68-to-5 point reduction and of the landmark model on real frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import type { BBox } from '../types.ts';
import { CLIPS, readFrames } from './detector.contract.ts';
import { createDetector, createLandmarkModel } from './factories.ts';
import { landmarkCrop, reduce68To5, type LandmarkModel } from './landmarks.ts';

describe('reduce68To5', () => {
  it('averages lid points, takes point 30 and averages mouth corner pairs when given 68 points', () => {
    const flat = Array.from({ length: 136 }, (_, i) => (i % 2 === 0 ? i / 2 : 1000 + i / 2 - 0.5));
    const [leftEye, rightEye, nose, leftMouth, rightMouth] = reduce68To5(flat);
    expect(leftEye).toEqual([(37 + 38 + 40 + 41) / 4, 1000 + (37 + 38 + 40 + 41) / 4]);
    expect(rightEye).toEqual([(43 + 44 + 46 + 47) / 4, 1000 + (43 + 44 + 46 + 47) / 4]);
    expect(nose).toEqual([30, 1030]);
    expect(leftMouth).toEqual([54, 1054]);
    expect(rightMouth).toEqual([59, 1059]);
  });
});

describe('landmarkCrop', () => {
  it('returns a square of the box height centred on the box when the box is tall', () => {
    expect(landmarkCrop([140, 51, 258, 243])).toEqual({
      x: 103,
      y: 51,
      widthPx: 192,
      heightPx: 192,
    });
  });
});

describe('LandmarkModel', () => {
  const config = loadConfig({}, {});
  let model: LandmarkModel;
  beforeAll(async () => {
    model = (await createLandmarkModel(config, { device: 'cpu', cpuThreads: 1 })).landmarks;
  });
  afterAll(() => model.release());

  it('places eyes above the nose above the mouth inside the face box when frames show one face', async () => {
    const { detector } = await createDetector(config, {
      family: 'ultraface',
      device: 'cpu',
      cpuThreads: 1,
    });
    for (const frame of [...readFrames(CLIPS.franck, [1, 60]), ...readFrames(CLIPS.cap13, [5])]) {
      const [face] = await detector.detect(frame, { scoreThreshold: 0.5, nmsIou: 0.4 });
      const box: BBox = face!.bbox;
      const [points] = await model.predict5(frame, [box]);
      const [le, re, nose, lm, rm] = points!;
      for (const [x, y] of points!) {
        expect(x).toBeGreaterThan(box[0]);
        expect(x).toBeLessThan(box[2]);
        expect(y).toBeGreaterThan(box[1]);
        expect(y).toBeLessThan(box[3]);
      }
      expect(le![0]).toBeLessThan(re![0]);
      expect(lm![0]).toBeLessThan(rm![0]);
      expect(Math.max(le![1], re![1])).toBeLessThan(nose![1]);
      expect(nose![1]).toBeLessThan(Math.min(lm![1], rm![1]));
    }
    await detector.release();
  });

  it('returns no points when no boxes are given', async () => {
    const [frame] = readFrames(CLIPS.franck, [1]);
    expect(await model.predict5(frame!, [])).toEqual([]);
  });
});
