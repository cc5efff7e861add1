/**
 * @module Tests of the tiled pass's geometry and of which tile boxes it keeps.
 */
import { describe, expect, it } from 'vitest';
import type { FaceBox } from '../../types.ts';
import { keepTileFaces, offsetFaces, tileRects } from './tiles.ts';

const FRAME = { widthPx: 1280, heightPx: 720 };
const box = (x1: number, y1: number, x2: number, y2: number, score = 0.9): FaceBox => ({
  bbox: [x1, y1, x2, y2],
  score,
});

describe('tileRects', () => {
  it('covers a 720p frame with 4 x 3 tiles that overlap by the given fraction', () => {
    const tiles = tileRects(1280, 720, 4, 3, 0.2);
    expect(tiles).toHaveLength(12);
    const [first, second] = tiles;
    expect(first).toEqual({ x: 0, y: 0, widthPx: 377, heightPx: 277 });
    expect(second!.x).toBeLessThan(first!.widthPx - 0.15 * first!.widthPx);
    const last = tiles[11]!;
    expect([last.x + last.widthPx, last.y + last.heightPx]).toEqual([1280, 720]);
  });
});

describe('keepTileFaces', () => {
  const [tl, , , , , middle] = tileRects(1280, 720, 4, 3, 0.2);

  it('keeps a small face inside its tile and one that touches the frame border', () => {
    const inner = box(middle!.x + 50, middle!.y + 60, middle!.x + 66, middle!.y + 80);
    const atFrameEdge = box(0, 40, 14, 58);
    expect(keepTileFaces([inner], middle!, FRAME, [], 0.25)).toEqual([inner]);
    expect(keepTileFaces([atFrameEdge], tl!, FRAME, [], 0.25)).toEqual([atFrameEdge]);
  });

  it('drops a box taller than the given fraction of the tile', () => {
    const tall = box(middle!.x + 20, middle!.y + 20, middle!.x + 90, middle!.y + 100);
    expect(80 / middle!.heightPx).toBeGreaterThan(0.25);
    expect(keepTileFaces([tall], middle!, FRAME, [], 0.25)).toEqual([]);
    expect(keepTileFaces([tall], middle!, FRAME, [], 0.5)).toEqual([tall]);
  });

  it('drops a box cut by an inner edge of its tile', () => {
    const right = middle!.x + middle!.widthPx;
    const cut = box(right - 10, middle!.y + 60, right, middle!.y + 78);
    expect(keepTileFaces([cut], middle!, FRAME, [], 0.25)).toEqual([]);
  });

  it('drops a box lying mostly inside a whole-frame detection (part of a larger face)', () => {
    const face = box(500, 300, 620, 450);
    const mouth = box(540, 400, 580, 440);
    const beside = box(630, 400, 660, 440);
    const kept = keepTileFaces([mouth, beside], middle!, FRAME, [face], 0.25);
    expect(kept).toEqual([beside]);
  });

  it('works on boxes moved from tile to frame pixels', () => {
    const [moved] = offsetFaces([box(40, 50, 58, 72)], middle!);
    expect(moved!.bbox).toEqual([middle!.x + 40, middle!.y + 50, middle!.x + 58, middle!.y + 72]);
    expect(keepTileFaces([moved!], middle!, FRAME, [], 0.25)).toHaveLength(1);
  });
});
