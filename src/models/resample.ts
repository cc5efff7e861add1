/**
 * @module Bilinear resampling of a region of an RGB24 image into a preallocated, normalised float tensor
 * (NCHW or NHWC, RGB or grey): the pre-processing every model input goes through.
 */
import { InputError, ModelError } from '../errors.ts';
import type { RgbImage } from '../types.ts';

/** Geometry and normalisation of one model input (batch 1). */
export interface TensorFormat {
  /** Tensor width in pixels. */
  widthPx: number;
  /** Tensor height in pixels. */
  heightPx: number;
  /** Memory layout. */
  layout: 'NCHW' | 'NHWC';
  /** RGB (3 channels) or grey (1 channel, ITU-R BT.601 luma). */
  color: 'RGB' | 'GRAY';
  /** Per-channel mean in pixel units (0..255): value = (px - mean) / std. One value applies to all channels. */
  mean: number[];
  /** Per-channel std in pixel units. */
  std: number[];
}

/** Axis-aligned rectangle in pixels (fractions allowed). */
export interface Rect {
  /** Left edge in pixels. */
  x: number;
  /** Top edge in pixels. */
  y: number;
  /** Width in pixels. */
  widthPx: number;
  /** Height in pixels. */
  heightPx: number;
}

/** One value per colour channel. */
type Triple = [number, number, number];

/** ITU-R BT.601 luma weights. */
const [LUMA_R, LUMA_G, LUMA_B] = [0.299, 0.587, 0.114];

/**
 * Resamples image regions into one preallocated tensor buffer; no allocation per call.
 * Sampling follows OpenCV's `INTER_LINEAR` convention (pixel centres at +0.5, borders replicated).
 */
export class TensorResampler {
  /** The tensor: `channels * heightPx * widthPx` float32 values, in `format.layout`. */
  readonly data: Float32Array;
  private readonly channels: number;
  private readonly scale: Triple;
  private readonly bias: Triple;
  private readonly x0: Int32Array;
  private readonly x1: Int32Array;
  private readonly fx: Float32Array;

  /**
   * @param format - tensor geometry and normalisation
   * @param data - buffer to write into (e.g. one slot of a batch); default: a new one of the right size
   */
  constructor(
    readonly format: TensorFormat,
    data?: Float32Array,
  ) {
    this.channels = format.color === 'GRAY' ? 1 : 3;
    this.data = data ?? new Float32Array(this.channels * format.widthPx * format.heightPx);
    const at = (v: number[], c: number, dflt: number): number => v[c] ?? v[0] ?? dflt;
    this.scale = [0, 1, 2].map((c) => 1 / at(format.std, c, 1)) as Triple;
    this.bias = [0, 1, 2].map((c) => -at(format.mean, c, 0) / at(format.std, c, 1)) as Triple;
    this.x0 = new Int32Array(format.widthPx);
    this.x1 = new Int32Array(format.widthPx);
    this.fx = new Float32Array(format.widthPx);
  }

  /**
   * Draws `roi` of `src` into `dst` of the tensor; when `dst` is smaller than the tensor (letterbox), the rest
   * is filled with the normalised value of a black pixel.
   * @param src - source image
   * @param roi - region of `src` in its pixels (default: all of it); may extend past the border (replicated)
   * @param dst - integer region of the tensor (default: all of it)
   * @throws InputError (`INPUT_INVALID`) when `src.data` is shorter than `widthPx * heightPx * 3`
   */
  draw(src: RgbImage, roi?: Rect, dst?: Rect): void {
    if (src.data.length < src.widthPx * src.heightPx * 3 || src.widthPx < 1 || src.heightPx < 1) {
      throw new InputError(
        `Image of ${src.widthPx}x${src.heightPx} px needs ${src.widthPx * src.heightPx * 3} RGB24 bytes, got ${src.data.length}`,
      );
    }
    const { widthPx: tw, heightPx: th } = this.format;
    const r = roi ?? { x: 0, y: 0, widthPx: src.widthPx, heightPx: src.heightPx };
    const d = dst ?? { x: 0, y: 0, widthPx: tw, heightPx: th };
    if (d.widthPx !== tw || d.heightPx !== th) {
      this.fillBlack();
    }
    const sx = r.widthPx / d.widthPx;
    const sy = r.heightPx / d.heightPx;
    const maxX = src.widthPx - 1;
    const maxY = src.heightPx - 1;
    for (let dx = 0; dx < d.widthPx; dx++) {
      const x = Math.min(Math.max(r.x + (dx + 0.5) * sx - 0.5, 0), maxX);
      const x0 = Math.floor(x);
      this.x0[dx] = x0 * 3;
      this.x1[dx] = Math.min(x0 + 1, maxX) * 3;
      this.fx[dx] = x - x0;
    }
    for (let dy = 0; dy < d.heightPx; dy++) {
      const y = Math.min(Math.max(r.y + (dy + 0.5) * sy - 0.5, 0), maxY);
      const y0 = Math.floor(y);
      const fy = y - y0;
      this.drawRow(
        src,
        y0 * src.widthPx * 3,
        Math.min(y0 + 1, maxY) * src.widthPx * 3,
        fy,
        d.y + dy,
        d.x,
        d.widthPx,
      );
    }
  }

  private drawRow(
    src: RgbImage,
    row0: number,
    row1: number,
    fy: number,
    ty: number,
    tx: number,
    n: number,
  ): void {
    const { data, x0, x1, fx } = this;
    const px = src.data;
    const [s0, s1, s2] = this.scale;
    const [b0, b1, b2] = this.bias;
    const plane = this.format.widthPx * this.format.heightPx;
    const grey = this.channels === 1;
    const nhwc = this.format.layout === 'NHWC';
    const rowStart = ty * this.format.widthPx + tx;
    if (!grey && !nhwc) {
      if (fy === 0) {
        this.drawPlanarRowTop(px, row0, rowStart, n);
      } else {
        this.drawPlanarRow(px, row0, row1, fy, rowStart, n);
      }
      return;
    }
    for (let dx = 0; dx < n; dx++) {
      const f = fx[dx]!;
      const w00 = (1 - f) * (1 - fy);
      const w01 = f * (1 - fy);
      const w10 = (1 - f) * fy;
      const w11 = f * fy;
      const p00 = row0 + x0[dx]!;
      const p01 = row0 + x1[dx]!;
      const p10 = row1 + x0[dx]!;
      const p11 = row1 + x1[dx]!;
      const r = px[p00]! * w00 + px[p01]! * w01 + px[p10]! * w10 + px[p11]! * w11;
      const g = px[p00 + 1]! * w00 + px[p01 + 1]! * w01 + px[p10 + 1]! * w10 + px[p11 + 1]! * w11;
      const b = px[p00 + 2]! * w00 + px[p01 + 2]! * w01 + px[p10 + 2]! * w10 + px[p11 + 2]! * w11;
      const at = rowStart + dx;
      if (grey) {
        data[at] = (r * LUMA_R + g * LUMA_G + b * LUMA_B) * s0 + b0;
      } else if (nhwc) {
        data[at * 3] = r * s0 + b0;
        data[at * 3 + 1] = g * s1 + b1;
        data[at * 3 + 2] = b * s2 + b2;
      } else {
        data[at] = r * s0 + b0;
        data[at + plane] = g * s1 + b1;
        data[at + 2 * plane] = b * s2 + b2;
      }
    }
  }

  /**
   * {@link TensorResampler.drawRow} for RGB NCHW, the layout of the whole-frame detector input (the hot path):
   * two horizontal lerps and one vertical lerp per channel, no branch in the loop.
   */
  private drawPlanarRow(
    px: Uint8Array,
    row0: number,
    row1: number,
    fy: number,
    rowStart: number,
    n: number,
  ): void {
    const { data, x0, x1, fx } = this;
    const [s0, s1, s2] = this.scale;
    const [b0, b1, b2] = this.bias;
    const plane = this.format.widthPx * this.format.heightPx;
    for (let dx = 0; dx < n; dx++) {
      const f = fx[dx]!;
      const a = row0 + x0[dx]!;
      const b = row0 + x1[dx]!;
      const c = row1 + x0[dx]!;
      const d = row1 + x1[dx]!;
      const at = rowStart + dx;
      let top = px[a]! + (px[b]! - px[a]!) * f;
      let bottom = px[c]! + (px[d]! - px[c]!) * f;
      data[at] = (top + (bottom - top) * fy) * s0 + b0;
      top = px[a + 1]! + (px[b + 1]! - px[a + 1]!) * f;
      bottom = px[c + 1]! + (px[d + 1]! - px[c + 1]!) * f;
      data[at + plane] = (top + (bottom - top) * fy) * s1 + b1;
      top = px[a + 2]! + (px[b + 2]! - px[a + 2]!) * f;
      bottom = px[c + 2]! + (px[d + 2]! - px[c + 2]!) * f;
      data[at + 2 * plane] = (top + (bottom - top) * fy) * s2 + b2;
    }
  }

  /**
   * {@link TensorResampler.drawPlanarRow} for a row that falls exactly on a source row (`fy` 0: e.g. 720 to 240
   * lines, the whole-frame detector input of a 720p frame): one horizontal lerp per channel, the other source row
   * not read. Gives the same values as the two-row loop.
   */
  private drawPlanarRowTop(px: Uint8Array, row0: number, rowStart: number, n: number): void {
    const { data, x0, x1, fx } = this;
    const [s0, s1, s2] = this.scale;
    const [b0, b1, b2] = this.bias;
    const plane = this.format.widthPx * this.format.heightPx;
    for (let dx = 0; dx < n; dx++) {
      const f = fx[dx]!;
      const a = row0 + x0[dx]!;
      const b = row0 + x1[dx]!;
      const at = rowStart + dx;
      data[at] = (px[a]! + (px[b]! - px[a]!) * f) * s0 + b0;
      data[at + plane] = (px[a + 1]! + (px[b + 1]! - px[a + 1]!) * f) * s1 + b1;
      data[at + 2 * plane] = (px[a + 2]! + (px[b + 2]! - px[a + 2]!) * f) * s2 + b2;
    }
  }

  private fillBlack(): void {
    const plane = this.format.widthPx * this.format.heightPx;
    for (let c = 0; c < this.channels; c++) {
      const v = this.bias[c] ?? 0;
      if (this.format.layout === 'NHWC' && this.channels === 3) {
        for (let i = c; i < this.data.length; i += 3) {
          this.data[i] = v;
        }
      } else {
        this.data.fill(v, c * plane, (c + 1) * plane);
      }
    }
  }
}

/**
 * Reads a model input's tensor format from its manifest description (`[1, C, H, W]` or `[1, H, W, C]`).
 * @throws ModelError (`MODEL_INVALID`) when height or width is not a fixed number
 */
export function formatOfInput(input: {
  shape: (number | string)[];
  layout: 'NCHW' | 'NHWC';
  color: 'RGB' | 'GRAY';
  mean: number[];
  std: number[];
}): TensorFormat {
  const [h, w] = input.layout === 'NCHW' ? input.shape.slice(2, 4) : input.shape.slice(1, 3);
  if (typeof h !== 'number' || typeof w !== 'number' || h < 1 || w < 1) {
    throw new ModelError(
      `Model input shape [${input.shape.join(', ')}] needs a fixed height and width (${input.layout})`,
    );
  }
  return {
    widthPx: w,
    heightPx: h,
    layout: input.layout,
    color: input.color,
    mean: input.mean,
    std: input.std,
  };
}
