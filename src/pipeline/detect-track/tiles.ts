/**
 * @module Tiled detection pass: overlapping tiles of a frame, so that faces too small for the detector's input at
 * whole-frame scale are seen at native resolution.
 */
import type { FaceBox, RgbImage } from '../../types.ts';

/** A tile: its top-left corner and size in frame pixels. */
export interface TileRect {
  /** Left edge, pixels. */
  x: number;
  /** Top edge, pixels. */
  y: number;
  /** Width, pixels. */
  widthPx: number;
  /** Height, pixels. */
  heightPx: number;
}

/**
 * Cuts a frame into `cols` x `rows` tiles that overlap their neighbours by `overlap` of a tile's size.
 * @param widthPx - frame width in pixels
 * @param heightPx - frame height in pixels
 * @param cols - tiles across
 * @param rows - tiles down
 * @param overlap - fraction of a tile shared with each neighbour, in [0, 0.5] (`config.detect.tile_overlap`)
 * @returns the tiles, row by row; they cover the whole frame
 */
export function tileRects(
  widthPx: number,
  heightPx: number,
  cols: number,
  rows: number,
  overlap: number,
): TileRect[] {
  const tileW = Math.min(widthPx, Math.ceil(widthPx / (cols - (cols - 1) * overlap)));
  const tileH = Math.min(heightPx, Math.ceil(heightPx / (rows - (rows - 1) * overlap)));
  const starts = (n: number, tile: number, full: number): number[] =>
    Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * (full - tile)) / (n - 1))));
  const rects: TileRect[] = [];
  for (const y of starts(rows, tileH, heightPx)) {
    for (const x of starts(cols, tileW, widthPx)) {
      rects.push({ x, y, widthPx: tileW, heightPx: tileH });
    }
  }
  return rects;
}

/**
 * Copies a tile of a frame into a caller-owned image of the tile's size (no allocation).
 * @param frame - RGB24 frame
 * @param rect - tile inside the frame
 * @param out - image whose `data` holds at least `rect.widthPx * rect.heightPx * 3` bytes
 * @returns `out`, with its width and height set to the tile's
 */
export function copyTile(frame: RgbImage, rect: TileRect, out: RgbImage): RgbImage {
  const rowBytes = rect.widthPx * 3;
  for (let r = 0; r < rect.heightPx; r++) {
    const src = ((rect.y + r) * frame.widthPx + rect.x) * 3;
    out.data.set(frame.data.subarray(src, src + rowBytes), r * rowBytes);
  }
  out.widthPx = rect.widthPx;
  out.heightPx = rect.heightPx;
  return out;
}

/**
 * Moves boxes found in a tile into frame coordinates.
 * @param faces - boxes in tile pixels
 * @param rect - the tile
 * @returns new boxes in frame pixels (landmarks moved too)
 */
export function offsetFaces(faces: FaceBox[], rect: TileRect): FaceBox[] {
  return faces.map((f) => ({
    score: f.score,
    bbox: [f.bbox[0] + rect.x, f.bbox[1] + rect.y, f.bbox[2] + rect.x, f.bbox[3] + rect.y],
    landmarks: f.landmarks?.map(([x, y]) => [x + rect.x, y + rect.y]),
  }));
}

/**
 * Keeps the boxes of the tiled pass that can be faces the whole-frame pass missed. Dropped: boxes taller than
 * `maxFaceFrac` of the tile; boxes that touch an edge of their tile inside the frame (a face cut by the tile,
 * seen whole in the overlapping neighbour); boxes lying mostly (over half their area) inside a whole-frame
 * detection (part of a larger face). The edge rule follows SAHI's treatment of slice borders (Akyon et al.,
 * "Slicing Aided Hyper Inference", ICIP 2022).
 * @param faces - boxes of one tile, in frame pixels
 * @param rect - the tile
 * @param frame - frame size in pixels
 * @param whole - detections of the whole-frame pass, in frame pixels
 * @param maxFaceFrac - tallest box kept, as a fraction of the tile height (`config.detect.tile_max_face_frac`)
 * @returns the boxes kept
 */
export function keepTileFaces(
  faces: FaceBox[],
  rect: TileRect,
  frame: { widthPx: number; heightPx: number },
  whole: FaceBox[],
  maxFaceFrac: number,
): FaceBox[] {
  const margin = 1;
  const innerLeft = rect.x > 0 ? rect.x + margin : -Infinity;
  const innerTop = rect.y > 0 ? rect.y + margin : -Infinity;
  const innerRight =
    rect.x + rect.widthPx < frame.widthPx ? rect.x + rect.widthPx - margin : Infinity;
  const innerBottom =
    rect.y + rect.heightPx < frame.heightPx ? rect.y + rect.heightPx - margin : Infinity;
  return faces.filter(({ bbox: [x1, y1, x2, y2] }) => {
    if (y2 - y1 > maxFaceFrac * rect.heightPx) {
      return false;
    }
    if (x1 <= innerLeft || y1 <= innerTop || x2 >= innerRight || y2 >= innerBottom) {
      return false;
    }
    const area = (x2 - x1) * (y2 - y1);
    return !whole.some(({ bbox: [a1, b1, a2, b2] }) => {
      const iw = Math.min(x2, a2) - Math.max(x1, a1);
      const ih = Math.min(y2, b2) - Math.max(y1, b1);
      return iw > 0 && ih > 0 && iw * ih > 0.5 * area;
    });
  });
}
