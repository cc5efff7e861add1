/**
 * @module Tests of the tensor resampler on a real frame of franck.mp4.
 */
import { describe, expect, it } from 'vitest';
import { cropImage, CLIPS, readFrames } from './detector.contract.ts';
import { formatOfInput, TensorResampler } from './resample.ts';

const [frame] = readFrames(CLIPS.franck, [1]);
const image = frame!;

describe('TensorResampler', () => {
  it('copies pixels exactly when the region and the tensor have the same size', () => {
    const tile = cropImage(image, 100, 50, 112, 112);
    const nhwc = new TensorResampler({
      widthPx: 112,
      heightPx: 112,
      layout: 'NHWC',
      color: 'RGB',
      mean: [0],
      std: [1],
    });
    nhwc.draw(tile);
    expect(Array.from(nhwc.data, Math.round)).toEqual(Array.from(tile.data));
  });

  it('writes channel planes normalised when the layout is NCHW', () => {
    const r = new TensorResampler({
      widthPx: 4,
      heightPx: 2,
      layout: 'NCHW',
      color: 'RGB',
      mean: [127, 127, 127],
      std: [128, 128, 128],
    });
    const src = cropImage(image, 200, 100, 4, 2);
    r.draw(src);
    // Pixel (x=1, y=1), green channel.
    expect(r.data[1 * 8 + 1 * 4 + 1]).toBeCloseTo((src.data[(1 * 4 + 1) * 3 + 1]! - 127) / 128, 5);
  });

  it('averages neighbours when downscaling by two', () => {
    const src = cropImage(image, 150, 120, 2, 2);
    const r = new TensorResampler({
      widthPx: 1,
      heightPx: 1,
      layout: 'NCHW',
      color: 'GRAY',
      mean: [0],
      std: [1],
    });
    r.draw(src);
    const luma = (i: number) =>
      0.299 * src.data[i]! + 0.587 * src.data[i + 1]! + 0.114 * src.data[i + 2]!;
    expect(r.data[0]).toBeCloseTo((luma(0) + luma(3) + luma(6) + luma(9)) / 4, 3);
  });

  it('gives the bilinear value of every tensor pixel when rows fall on source rows (RGB NCHW, 3:1 down)', () => {
    // franck.mp4 is 360x288: 96 rows fall exactly on every third source row (fy 0), as 720p to 240 lines does.
    const r = new TensorResampler({
      widthPx: 90,
      heightPx: 96,
      layout: 'NCHW',
      color: 'RGB',
      mean: [127],
      std: [128],
    });
    r.draw(image);
    const { widthPx: w, heightPx: h, data } = image;
    const px = (x: number, y: number, c: number) => data[(y * w + x) * 3 + c]!;
    const plane = 90 * 96;
    let worst = 0;
    for (let dy = 0; dy < 96; dy++) {
      const y = Math.min(Math.max((dy + 0.5) * (h / 96) - 0.5, 0), h - 1);
      const y0 = Math.floor(y);
      const y1 = Math.min(y0 + 1, h - 1);
      for (let dx = 0; dx < 90; dx++) {
        const x = Math.min(Math.max((dx + 0.5) * (w / 90) - 0.5, 0), w - 1);
        const x0 = Math.floor(x);
        const x1 = Math.min(x0 + 1, w - 1);
        for (let c = 0; c < 3; c++) {
          const top = px(x0, y0, c) * (1 - (x - x0)) + px(x1, y0, c) * (x - x0);
          const bottom = px(x0, y1, c) * (1 - (x - x0)) + px(x1, y1, c) * (x - x0);
          const want = (top * (1 - (y - y0)) + bottom * (y - y0) - 127) / 128;
          worst = Math.max(worst, Math.abs(r.data[c * plane + dy * 90 + dx]! - want));
        }
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('fills the bars with normalised black when the image is letterboxed', () => {
    const r = new TensorResampler({
      widthPx: 8,
      heightPx: 8,
      layout: 'NHWC',
      color: 'RGB',
      mean: [127.5],
      std: [127.5],
    });
    r.draw(image, undefined, { x: 0, y: 2, widthPx: 8, heightPx: 4 });
    expect(r.data[0]).toBe(-1);
    expect(r.data[8 * 8 * 3 - 1]).toBe(-1);
    expect(r.data[(2 * 8 + 4) * 3]).toBeGreaterThan(-1);
  });
});

describe('formatOfInput', () => {
  it('reads width and height by layout when the shape is fixed', () => {
    const base = { layout: 'NHWC' as const, color: 'RGB' as const, mean: [0], std: [1] };
    expect(formatOfInput({ ...base, shape: [1, 256, 192, 3] })).toMatchObject({
      widthPx: 192,
      heightPx: 256,
    });
    expect(formatOfInput({ ...base, layout: 'NCHW', shape: ['N', 3, 240, 320] })).toMatchObject({
      widthPx: 320,
      heightPx: 240,
    });
  });

  it('throws ModelError when height or width is symbolic', () => {
    expect(() =>
      formatOfInput({ layout: 'NCHW', color: 'RGB', mean: [0], std: [1], shape: [1, 3, 'H', 'W'] }),
    ).toThrow(/fixed height and width/);
  });
});
