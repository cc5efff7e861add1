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
