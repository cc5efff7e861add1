/** @module Tests of the constant-velocity box Kalman filter. */
import { describe, expect, it } from 'vitest';
import type { BBox } from '../../types.ts';
import { BoxKalman } from './kalman.ts';

/** A box moving by (6, -2) px per frame and growing by 1 px in height per frame at a fixed 0.8 aspect. */
const boxAt = (t: number): BBox => [100 + 6 * t, 50 - 2 * t, 140 + 6.8 * t, 100 - t];

describe('BoxKalman', () => {
  it('returns the measured box when just started', () => {
    const k = new BoxKalman([10, 20, 50, 100]);
    expect(k.box()).toEqual([10, 20, 50, 100]);
  });

  it('predicts the next box of a steadily moving and growing box when fed its past', () => {
    const k = new BoxKalman(boxAt(0));
    for (let t = 1; t <= 30; t++) {
      k.predict(false);
      k.update(boxAt(t));
    }
    k.predict(false);
    const predicted = k.box();
    boxAt(31).forEach((v, i) => expect(predicted[i]).toBeCloseTo(v, 0));
  });

  it('stays put when the box does not move', () => {
    const k = new BoxKalman([0, 0, 40, 40]);
    for (let t = 0; t < 10; t++) {
      k.predict(false);
      k.update([0, 0, 40, 40]);
    }
    k.predict(true);
    k.box().forEach((v, i) => expect(v).toBeCloseTo([0, 0, 40, 40][i]!, 6));
  });
});
