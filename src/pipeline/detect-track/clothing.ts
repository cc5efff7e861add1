/**
 * @module Clothing descriptor: a colour histogram of the region below a face (neck, shoulders, chest), evidence of
 * who a person is that a face embedding lacks. Within one scene two people who look alike (siblings) still wear
 * different clothes, as TV character-naming work has used since Everingham, Sivic and Zisserman 2006, "Hello! My
 * name is... Buffy: automatic naming of characters in TV video" (BMVC), and Sivic, Everingham and Zisserman 2009,
 * "Who are you? Learning person specific classifiers from video" (CVPR).
 */
import type { BBox, RgbImage } from '../../types.ts';

/** Hue bins of chromatic pixels. */
const HUE_BINS = 12;
/** Saturation bins of chromatic pixels (pale, vivid). */
const SAT_BINS = 2;
/** Brightness bins of achromatic pixels (black ... white). */
const GREY_BINS = 6;
/** Length of a clothing histogram: hue x saturation bins of chromatic pixels, then brightness bins of grey ones. */
export const CLOTHING_BINS = HUE_BINS * SAT_BINS + GREY_BINS;
/** Below this saturation (HSV, 0-1) or this brightness a pixel is grey: its hue is noise. */
const GREY_SAT = 0.2;
const GREY_VALUE = 0.15;
/** The region below the face, in face widths (wide) and face heights (tall), starting at the bottom of the box. */
const REGION_WIDTH_FACES = 2.5;
const REGION_HEIGHT_FACES = 1.75;
/** Least fraction of the region inside the frame for a histogram (a face at the bottom edge shows no clothes). */
const MIN_VISIBLE_FRAC = 0.3;
/** Pixels sampled along each side of the visible region (GRID x GRID samples, nearest pixel). */
const GRID = 16;

/**
 * Colour histogram of the region below a face: `REGION_WIDTH_FACES` (2.5) face widths wide, centred on the face,
 * `REGION_HEIGHT_FACES` (1.75) face heights tall from the bottom of the box, clipped to the image, sampled on a
 * 16 x 16 grid. A pixel counts in one of 12 hue x 2 saturation bins (HSV), or, when grey (saturation below 0.2
 * or value below 0.15), in one of 6 brightness bins; hue tolerates the brightness changes between shots of one scene.
 * The region stops halfway to another face beside this one (centre within two face heights vertically), so that
 * it does not take in the neighbour's clothes (people side by side at a table).
 * @param image - the analysed frame, RGB24
 * @param bbox - the face's box in `image` pixels
 * @param others - every face box of the frame (`bbox` itself may be among them; it is skipped), `image` pixels
 * @returns `CLOTHING_BINS` (30) bin fractions summing to 1, or null when under 30 % of the region is in the image
 */
export function clothingHistogram(
  image: RgbImage,
  bbox: BBox,
  others: readonly BBox[] = [],
): Float32Array | null {
  const faceW = bbox[2] - bbox[0];
  const faceH = bbox[3] - bbox[1];
  const cx = (bbox[0] + bbox[2]) / 2;
  const cy = (bbox[1] + bbox[3]) / 2;
  let x0 = Math.max(0, cx - (REGION_WIDTH_FACES / 2) * faceW);
  let x1 = Math.min(image.widthPx, cx + (REGION_WIDTH_FACES / 2) * faceW);
  for (const o of others) {
    const ox = (o[0] + o[2]) / 2;
    if (o !== bbox && Math.abs((o[1] + o[3]) / 2 - cy) < 2 * faceH) {
      if (ox > cx) {
        x1 = Math.min(x1, (cx + ox) / 2);
      } else if (ox < cx) {
        x0 = Math.max(x0, (cx + ox) / 2);
      }
    }
  }
  const y0 = Math.max(0, bbox[3]);
  const y1 = Math.min(image.heightPx, bbox[3] + REGION_HEIGHT_FACES * faceH);
  const visible = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  if (
    !(faceW > 0 && faceH > 0) ||
    visible < MIN_VISIBLE_FRAC * REGION_WIDTH_FACES * REGION_HEIGHT_FACES * faceW * faceH
  ) {
    return null;
  }
  const hist = new Float32Array(CLOTHING_BINS);
  const { data, widthPx } = image;
  for (let gy = 0; gy < GRID; gy++) {
    const y = Math.min(image.heightPx - 1, Math.floor(y0 + ((gy + 0.5) * (y1 - y0)) / GRID));
    for (let gx = 0; gx < GRID; gx++) {
      const x = Math.min(widthPx - 1, Math.floor(x0 + ((gx + 0.5) * (x1 - x0)) / GRID));
      const p = (y * widthPx + x) * 3;
      hist[colourBin(data[p]!, data[p + 1]!, data[p + 2]!)]! += 1;
    }
  }
  for (let b = 0; b < CLOTHING_BINS; b++) {
    hist[b] = hist[b]! / (GRID * GRID);
  }
  return hist;
}

/** Bin of one RGB pixel (see {@link clothingHistogram}). */
function colourBin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const value = max / 255;
  const sat = max > 0 ? (max - min) / max : 0;
  if (sat < GREY_SAT || value < GREY_VALUE) {
    return HUE_BINS * SAT_BINS + Math.min(GREY_BINS - 1, Math.floor(value * GREY_BINS));
  }
  const d = max - min;
  let hue = max === r ? (g - b) / d : max === g ? 2 + (b - r) / d : 4 + (r - g) / d; // sextants, -1..5
  if (hue < 0) {
    hue += 6;
  }
  const h = Math.min(HUE_BINS - 1, Math.floor((hue / 6) * HUE_BINS));
  const s = sat < 0.5 ? 0 : 1;
  return h * SAT_BINS + s;
}
