/** @module Constant-velocity Kalman filter of one box in (cx, cy, aspect, h), as in SORT / DeepSORT / ByteTrack. */
import type { BBox } from '../../types.ts';

/** Process and measurement noise, relative to the box height (ByteTrack `KalmanFilter`). */
const STD_WEIGHT_POSITION = 1 / 20;
const STD_WEIGHT_VELOCITY = 1 / 160;
/** Absolute noise of the aspect ratio, which does not scale with the height: [initial/process pos, vel, measurement]. */
const ASPECT_STD_POSITION = 1e-2;
const ASPECT_STD_VELOCITY = 1e-5;
const ASPECT_STD_MEASUREMENT = 1e-1;
/** State dimensions per axis and index of the height axis. */
const AXES = 4;
const H = 3;

/**
 * Kalman filter with state `[cx, cy, a, h, vcx, vcy, va, vh]` (a = width / height; velocities per analysed frame)
 * and measurement `[cx, cy, a, h]`, with the noise model of ByteTrack's `kalman_filter.py` (from DeepSORT).
 *
 * With that model (diagonal initial covariance, diagonal noise, motion that only couples a value with its own
 * velocity) the 8 x 8 covariance stays block diagonal, so the filter runs exactly as four independent 2-state
 * filters: per axis `(position, velocity)` with covariance `[p00, p01, p11]`. No matrices are allocated after
 * construction.
 *
 * @see Wojke et al. 2017 "Simple online and realtime tracking with a deep association metric" (DeepSORT);
 *   Zhang et al. 2022 "ByteTrack", `yolox/tracker/kalman_filter.py`.
 */
export class BoxKalman {
  /** `[cx, cy, a, h, vcx, vcy, va, vh]`, pixels and pixels per analysed frame. */
  readonly mean = new Float64Array(2 * AXES);
  /** Per axis `[p00, p01, p11]` (position variance, covariance, velocity variance). */
  private readonly cov = new Float64Array(3 * AXES);

  /** Starts a filter at a measured box with zero velocity (ByteTrack `initiate`). */
  constructor(bbox: BBox) {
    toMeasurement(bbox, this.mean);
    const h = this.mean[H]!;
    for (let k = 0; k < AXES; k++) {
      const sp = k === 2 ? ASPECT_STD_POSITION : 2 * STD_WEIGHT_POSITION * h;
      const sv = k === 2 ? ASPECT_STD_VELOCITY : 10 * STD_WEIGHT_VELOCITY * h;
      this.cov[3 * k] = sp * sp;
      this.cov[3 * k + 1] = 0;
      this.cov[3 * k + 2] = sv * sv;
    }
  }

  /**
   * Advances the state by one analysed frame.
   *
   * @param freezeHeight - zero the height velocity first, as ByteTrack does for tracks that are not `Tracked`
   */
  predict(freezeHeight: boolean): void {
    if (freezeHeight) {
      this.mean[AXES + H] = 0;
    }
    const h = this.mean[H]!;
    for (let k = 0; k < AXES; k++) {
      const sp = k === 2 ? ASPECT_STD_POSITION : STD_WEIGHT_POSITION * h;
      const sv = k === 2 ? ASPECT_STD_VELOCITY : STD_WEIGHT_VELOCITY * h;
      this.mean[k] = this.mean[k]! + this.mean[AXES + k]!;
      const p00 = this.cov[3 * k]!;
      const p01 = this.cov[3 * k + 1]!;
      const p11 = this.cov[3 * k + 2]!;
      this.cov[3 * k] = p00 + 2 * p01 + p11 + sp * sp;
      this.cov[3 * k + 1] = p01 + p11;
      this.cov[3 * k + 2] = p11 + sv * sv;
    }
  }

  /** Corrects the state with a measured box. */
  update(bbox: BBox): void {
    const h = this.mean[H]!;
    const z = MEASUREMENT;
    toMeasurement(bbox, z);
    for (let k = 0; k < AXES; k++) {
      const sr = k === 2 ? ASPECT_STD_MEASUREMENT : STD_WEIGHT_POSITION * h;
      const p00 = this.cov[3 * k]!;
      const p01 = this.cov[3 * k + 1]!;
      const p11 = this.cov[3 * k + 2]!;
      const s = p00 + sr * sr;
      const k0 = p00 / s;
      const k1 = p01 / s;
      const innovation = z[k]! - this.mean[k]!;
      this.mean[k] = this.mean[k]! + k0 * innovation;
      this.mean[AXES + k] = this.mean[AXES + k]! + k1 * innovation;
      this.cov[3 * k] = p00 - k0 * p00;
      this.cov[3 * k + 1] = p01 - k0 * p01;
      this.cov[3 * k + 2] = p11 - k1 * p01;
    }
  }

  /** Current box estimate `[x1, y1, x2, y2]`, written into `out` (allocated when omitted). */
  box(out: BBox = [0, 0, 0, 0]): BBox {
    const [cx, cy, a, h] = this.mean;
    const w = a! * h!;
    out[0] = cx! - w / 2;
    out[1] = cy! - h! / 2;
    out[2] = cx! + w / 2;
    out[3] = cy! + h! / 2;
    return out;
  }
}

/** Scratch measurement vector, shared: filters run on one thread and never re-enter. */
const MEASUREMENT = new Float64Array(AXES);

/** Writes `[cx, cy, w / h, h]` of a box into `out[0..3]`. */
function toMeasurement(bbox: BBox, out: Float64Array): void {
  const w = bbox[2] - bbox[0];
  const h = bbox[3] - bbox[1];
  out[0] = bbox[0] + w / 2;
  out[1] = bbox[1] + h / 2;
  out[2] = h > 0 ? w / h : 0;
  out[3] = h;
}
