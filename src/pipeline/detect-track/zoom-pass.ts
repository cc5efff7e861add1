/**
 * @module Face detection of one analysed frame: the whole-frame pass, and a zoomed second pass only where it can
 * pay: the tile grid at most once per `tile_interval_s` of a shot whose frames show no large face, and one crop
 * at the detector's native scale around each small face of the last analysed frames.
 */
import { suppressOverlaps, type DetectOptions, type FaceDetector } from '../../models/index.ts';
import type { BBox, FaceBox, Frame, RgbImage } from '../../types.ts';
import { copyTile, keepTileFaces, offsetFaces, type TileRect } from './tiles.ts';

/** Settings of {@link ZoomPass}; sizes in analysed-frame pixels unless named `SourcePx`. */
export interface ZoomPassOptions {
  /** Tile grid of the discovery pass (`tileRects` of the profile's `tiles`); empty turns the second pass off. */
  tiles: TileRect[];
  /** Seconds between two discovery passes within a shot; 0 = every analysed frame (`profile.tile_interval_s`). */
  tileIntervalS: number;
  /** The discovery pass is skipped on frames whose whole-frame pass finds a face this tall, source px (`config.detect.tile_skip_face_px`). */
  skipFaceSourcePx: number;
  /** Faces shorter than this, source px, get a follow crop on the next analysed frames (`config.detect.follow_face_px`). */
  followFaceSourcePx: number;
  /** Analysed frames a small face is followed after it was last found (`config.detect.follow_frames`). */
  followFrames: number;
  /** Size of a follow crop: the detector's input size, so the crop is seen at native scale. */
  cropWidthPx: number;
  /** Height of a follow crop, pixels. */
  cropHeightPx: number;
  /** Source pixels per analysed-frame pixel, vertically. */
  sy: number;
  /** Tallest face a zoomed box may be, as a fraction of its tile's height (`config.detect.tile_max_face_frac`). */
  maxFaceFrac: number;
  /** Detector score threshold and NMS IoU. */
  detect: DetectOptions;
}

/** Counters of the second pass, for the stage's log. */
export interface ZoomPassCounts {
  /** Frames that got the tile grid. */
  discovery_frames: number;
  /** Follow crops run. */
  follow_crops: number;
  /** Detector calls of the second pass in all. */
  zoom_calls: number;
}

/** What a checkpoint keeps of the second pass, so that a resumed run decides as an uninterrupted one. */
export interface ZoomPassState {
  /** Time of the shot's last tile-grid pass, seconds; null when none ran since the last cut. */
  last_grid_ts: number | null;
  /** Faces followed (analysed-frame pixels), with the analysed frames left to follow each. */
  followed: { bbox: BBox; score: number; frames_left: number }[];
}

/** A small face being followed, and for how many more analysed frames. */
interface Followed {
  face: FaceBox;
  framesLeft: number;
}

/**
 * Detects the faces of each analysed frame, in order. The second pass runs (a) the tile grid when the frame's
 * whole-frame pass finds no face of `skipFaceSourcePx` or more and the shot's last grid pass is at least
 * `tileIntervalS` old (a shot cut makes it due at once), else (b) one crop of the detector's input size, centred on
 * each small face of the last `followFrames` analysed frames that the whole-frame pass did not find again. Boxes
 * of the second pass go through the SAHI-style filter `keepTileFaces`, then NMS with the whole-frame boxes.
 * @see Akyon et al., "Slicing Aided Hyper Inference and Fine-tuning for Small Object Detection", ICIP 2022
 */
export class ZoomPass {
  /** What the second pass did so far. */
  readonly counts: ZoomPassCounts = { discovery_frames: 0, follow_crops: 0, zoom_calls: 0 };
  private followed: Followed[] = [];
  private lastGridTs = -Infinity;

  /**
   * @param detector - the face detector (its calls are serialised)
   * @param tileImage - scratch image whose `data` holds a whole analysed frame (RGB24)
   * @param opts - grid, interval, thresholds
   */
  constructor(
    private readonly detector: FaceDetector,
    private readonly tileImage: RgbImage,
    private readonly opts: ZoomPassOptions,
  ) {}

  /** The state a checkpoint keeps (JSON-safe). */
  snapshot(): ZoomPassState {
    return {
      last_grid_ts: Number.isFinite(this.lastGridTs) ? this.lastGridTs : null,
      followed: this.followed.map((f) => ({
        bbox: f.face.bbox,
        score: f.face.score,
        frames_left: f.framesLeft,
      })),
    };
  }

  /**
   * Continues from a checkpoint's state.
   * @param state - what {@link ZoomPass.snapshot} returned
   */
  restore(state: ZoomPassState): void {
    this.lastGridTs = state.last_grid_ts ?? -Infinity;
    this.followed = state.followed.map((f) => ({
      face: { bbox: f.bbox, score: f.score },
      framesLeft: f.frames_left,
    }));
  }

  /**
   * Faces of one analysed frame, in analysed-frame pixels, not yet filtered by size.
   * @param frame - the frame (RGB24)
   * @param shotCut - true when a shot cut lies just before this frame: followed faces are forgotten
   */
  async detect(frame: Frame, shotCut: boolean): Promise<FaceBox[]> {
    const { opts } = this;
    const whole = await this.detector.detect(frame, opts.detect);
    if (opts.tiles.length === 0) {
      return whole;
    }
    if (shotCut) {
      this.followed = [];
      this.lastGridTs = -Infinity;
    }
    const tallestPx = Math.max(0, ...whole.map((f) => (f.bbox[3] - f.bbox[1]) * opts.sy));
    let rects: TileRect[];
    if (tallestPx < opts.skipFaceSourcePx && frame.ts - this.lastGridTs >= opts.tileIntervalS) {
      rects = opts.tiles;
      this.lastGridTs = frame.ts;
      this.counts.discovery_frames++;
    } else {
      rects = this.followRects(frame, whole);
      this.counts.follow_crops += rects.length;
    }
    let faces = whole;
    if (rects.length > 0) {
      const all = [...whole];
      for (const rect of rects) {
        const found = offsetFaces(
          await this.detector.detect(copyTile(frame, rect, this.tileImage), opts.detect),
          rect,
        );
        all.push(...keepTileFaces(found, rect, frame, whole, opts.maxFaceFrac));
      }
      this.counts.zoom_calls += rects.length;
      faces = suppressOverlaps(all, opts.detect.nmsIou);
    }
    this.remember(faces);
    return faces;
  }

  /** One crop per followed face the whole-frame pass did not find again; a face inside an earlier crop shares it. */
  private followRects(frame: Frame, whole: FaceBox[]): TileRect[] {
    const w = Math.min(frame.widthPx, this.opts.cropWidthPx);
    const h = Math.min(frame.heightPx, this.opts.cropHeightPx);
    const rects: TileRect[] = [];
    for (const { face } of this.followed) {
      const [x1, y1, x2, y2] = face.bbox;
      if (whole.some((f) => overlap(f.bbox, face.bbox) > 0.5)) {
        continue;
      }
      const pad = (y2 - y1) / 2;
      const inside = (r: TileRect): boolean =>
        x1 - pad >= r.x &&
        y1 - pad >= r.y &&
        x2 + pad <= r.x + r.widthPx &&
        y2 + pad <= r.y + r.heightPx;
      if (rects.some(inside)) {
        continue;
      }
      const x = Math.round(Math.min(Math.max(0, (x1 + x2) / 2 - w / 2), frame.widthPx - w));
      const y = Math.round(Math.min(Math.max(0, (y1 + y2) / 2 - h / 2), frame.heightPx - h));
      rects.push({ x, y, widthPx: w, heightPx: h });
    }
    return rects;
  }

  /** Follows this frame's small faces; older ones count down and are dropped when covered or expired. */
  private remember(faces: FaceBox[]): void {
    const small = faces.filter(
      (f) => (f.bbox[3] - f.bbox[1]) * this.opts.sy < this.opts.followFaceSourcePx,
    );
    const kept = this.followed
      .map((f) => ({ face: f.face, framesLeft: f.framesLeft - 1 }))
      .filter((f) => f.framesLeft > 0 && !small.some((s) => overlap(s.bbox, f.face.bbox) > 0.3));
    this.followed = [
      ...small.map((face) => ({ face, framesLeft: this.opts.followFrames })),
      ...kept,
    ];
  }
}

/** Intersection of two boxes over the area of the smaller one. */
function overlap(a: FaceBox['bbox'], b: FaceBox['bbox']): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) {
    return 0;
  }
  const smaller = Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
  return (iw * ih) / smaller;
}
