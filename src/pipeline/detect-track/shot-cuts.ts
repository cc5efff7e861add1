/** @module Shot-cut detection on consecutive analysed frames by colour-histogram distance. */
import { InputError } from '../../errors.ts';
import type { Frame } from '../../types.ts';

/** Histogram bins of hue, saturation and value: 16 x 4 x 4. */
const H_BINS = 16;
const S_BINS = 4;
const V_BINS = 4;
const BINS = H_BINS * S_BINS * V_BINS;
/** The frame is split into `GRID x GRID` cells, each with its own histogram. */
const GRID = 3;
const CELLS = GRID * GRID;
/** Rows sampled per frame, about: every `step`-th row and column is read, `step = floor(height / SAMPLE_ROWS)`. */
const SAMPLE_ROWS = 90;

/** One shot: a run of analysed frames between two cuts. */
export interface Shot {
  /** 0-based shot number. */
  shot_idx: number;
  /** Source-video frame index of the shot's first analysed frame. */
  start_frame_idx: number;
  /** Source-video frame index of the shot's last analysed frame. */
  end_frame_idx: number;
  /** Time in seconds of the first analysed frame. */
  start_ts: number;
  /** Time in seconds of the last analysed frame. */
  end_ts: number;
}

/** What a checkpoint keeps of the detector: enough to continue with the next frame as if never stopped. */
export interface ShotCutState {
  /** Histograms of the last pushed frame (`CELLS x BINS`). */
  previous: number[];
  /** Closed shots. */
  done: Shot[];
  /** The open shot, or null before the first frame. */
  open: Shot | null;
}

/** Settings of the detector. */
export interface ShotCutOptions {
  /**
   * Mean grid-cell Bhattacharyya distance (0..1) above which two consecutive analysed frames are a cut
   * (default: `config.shots.cut_threshold`).
   */
  cutThreshold: number;
}

/**
 * Finds hard cuts: a frame starts a new shot when the distance to the previous analysed frame exceeds
 * `cutThreshold`. The distance is the mean, over a 3 x 3 grid of cells, of the Bhattacharyya distance between the
 * cells' HSV histograms (16 x 4 x 4 bins, about 90 rows and their columns sampled). The grid catches cuts between shots of one room with
 * the same colours (a global histogram does not), and hue at 16 bins separates skin and wall tones.
 * Two sets of histograms are kept and swapped, so `push` allocates nothing. Gradual transitions (fades,
 * dissolves) spread over several analysed frames may go unnoticed; a large foreground object sweeping past the
 * camera may count as a cut.
 *
 * @see Bhattacharyya distance as OpenCV `HISTCMP_BHATTACHARYYA`: `sqrt(1 - sum(sqrt(p * q)))` on normalised
 *   histograms; Lienhart 1999 "Comparison of automatic shot boundary detection algorithms".
 */
export class ShotCutDetector {
  private current = new Float64Array(CELLS * BINS);
  private previous = new Float64Array(CELLS * BINS);
  private readonly done: Shot[] = [];
  private open: Shot | null = null;
  /** Distance of the last pushed frame to the one before it (0 for the first frame). */
  lastDistance = 0;

  /** @param opts - see `ShotCutOptions` */
  constructor(private readonly opts: ShotCutOptions) {}

  /**
   * Adds the next analysed frame (in increasing time).
   *
   * @returns true when this frame starts a new shot (false for the very first frame, which starts shot 0)
   * @throws InputError (`INPUT_INVALID`) when `data` is not `widthPx * heightPx * 3` bytes
   */
  push(frame: Frame): boolean {
    const { data, widthPx, heightPx } = frame;
    if (widthPx <= 0 || heightPx <= 0 || data.length !== widthPx * heightPx * 3) {
      throw new InputError(
        `Frame ${frame.frameIdx} has ${data.length} bytes for ${widthPx}x${heightPx} RGB24; decode frames as rgb24 without padding`,
      );
    }
    fillHsvHistograms(data, widthPx, heightPx, this.current);
    const shot = this.open;
    let isCut = false;
    if (shot) {
      let sum = 0;
      for (let c = 0; c < CELLS; c++) {
        let bc = 0;
        for (let i = c * BINS; i < (c + 1) * BINS; i++) {
          bc += Math.sqrt(this.current[i]! * this.previous[i]!);
        }
        sum += Math.sqrt(Math.max(0, 1 - bc));
      }
      this.lastDistance = sum / CELLS;
      isCut = this.lastDistance > this.opts.cutThreshold;
    }
    if (!shot || isCut) {
      if (shot) {
        this.done.push(shot);
      }
      this.open = {
        shot_idx: this.done.length,
        start_frame_idx: frame.frameIdx,
        end_frame_idx: frame.frameIdx,
        start_ts: frame.ts,
        end_ts: frame.ts,
      };
    } else {
      shot.end_frame_idx = frame.frameIdx;
      shot.end_ts = frame.ts;
    }
    [this.current, this.previous] = [this.previous, this.current];
    return isCut;
  }

  /** Copies the state for a checkpoint (see `restore`). */
  snapshot(): ShotCutState {
    return {
      previous: Array.from(this.previous),
      done: this.shots().slice(0, this.done.length),
      open: this.open ? { ...this.open } : null,
    };
  }

  /**
   * Continues from a checkpoint: the next `push` compares with the last frame pushed before `snapshot`.
   * @throws InputError (`INPUT_INVALID`) when the histogram size does not match this build
   */
  restore(state: ShotCutState): void {
    if (state.previous.length !== this.previous.length) {
      throw new InputError(
        `Shot-cut checkpoint has ${state.previous.length} histogram bins, this build uses ${this.previous.length}: restart the stage without --resume`,
      );
    }
    this.previous.set(state.previous);
    this.done.splice(0, this.done.length, ...state.done.map((s) => ({ ...s })));
    this.open = state.open ? { ...state.open } : null;
  }

  /** The shots so far, the last one still open (it ends at the last pushed frame). Copies. */
  shots(): Shot[] {
    return [...this.done, ...(this.open ? [this.open] : [])].map((s) => ({ ...s }));
  }
}

/**
 * Fills `hist` (`CELLS x BINS`) with one normalised HSV histogram per grid cell, from every `step`-th row
 * and column.
 */
function fillHsvHistograms(
  data: Uint8Array,
  widthPx: number,
  heightPx: number,
  hist: Float64Array,
): void {
  hist.fill(0);
  const step = Math.max(1, Math.floor(heightPx / SAMPLE_ROWS));
  for (let y = 0; y < heightPx; y += step) {
    const cellRow = Math.floor((y * GRID) / heightPx) * GRID;
    for (let x = 0, p = y * widthPx * 3; x < widthPx; x += step, p += 3 * step) {
      const r = data[p]!;
      const g = data[p + 1]!;
      const b = data[p + 2]!;
      const max = Math.max(r, g, b);
      const chroma = max - Math.min(r, g, b);
      let hue = 0; // in [0, 6)
      if (chroma > 0) {
        if (max === r) {
          hue = (g - b) / chroma + (g < b ? 6 : 0);
        } else if (max === g) {
          hue = (b - r) / chroma + 2;
        } else {
          hue = (r - g) / chroma + 4;
        }
      }
      const hBin = Math.min(H_BINS - 1, Math.floor((hue * H_BINS) / 6));
      const sBin = max === 0 ? 0 : Math.min(S_BINS - 1, Math.floor((chroma * S_BINS) / max));
      const vBin = (max * V_BINS) >> 8;
      const cell = cellRow + Math.floor((x * GRID) / widthPx);
      hist[cell * BINS + (hBin * S_BINS + sBin) * V_BINS + vBin]!++;
    }
  }
  for (let c = 0; c < CELLS; c++) {
    let count = 0;
    for (let i = c * BINS; i < (c + 1) * BINS; i++) {
      count += hist[i]!;
    }
    if (count > 0) {
      for (let i = c * BINS; i < (c + 1) * BINS; i++) {
        hist[i] = hist[i]! / count;
      }
    }
  }
}
