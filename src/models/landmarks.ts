/**
 * @module 68-point facial landmark model on 64x64 grey face crops, reduced to the five alignment points
 * (eye centres, nose tip, mouth corners) that the face aligner uses.
 */
import { ModelError } from '../errors.ts';
import type { BBox, Point, RgbImage } from '../types.ts';
import type { ResolvedModel } from './manifest.ts';
import { ImageModel } from './image-model.ts';
import type { Rect } from './resample.ts';
import { serialise, type ExecutionInfo, type SessionRequest } from './session.ts';

/** Number of values the model outputs: 68 (x, y) pairs. */
const POINTS_68 = 136;

/**
 * Reduces 68 landmarks (iBUG 300-W order, flat `[x0, y0, x1, y1, ...]`) to five: each eye centre is the mean
 * of its 4 lid points (37, 38, 40, 41 and 43, 44, 46, 47), the nose tip is point 30, each mouth corner is the
 * mean of the outer and inner corner (48 and 60, 54 and 64). Same arithmetic as `convert68pts5pts` in
 * Faceplugin's `fr_feature.js`.
 * @param p - 136 numbers, any unit
 * @returns left eye, right eye, nose, left mouth corner, right mouth corner (image left/right), same unit
 * @see Sagonas et al., "300 Faces in-the-Wild Challenge", 2013 (the 68-point scheme)
 */
export function reduce68To5(p: ArrayLike<number>): Point[] {
  const at = (i: number): number => p[i] ?? Number.NaN;
  const mean = (idx: number[], axis: 0 | 1): number =>
    idx.reduce((s, i) => s + at(2 * i + axis), 0) / idx.length;
  const pt = (idx: number[]): Point => [mean(idx, 0), mean(idx, 1)];
  return [pt([37, 38, 40, 41]), pt([43, 44, 46, 47]), pt([30]), pt([48, 60]), pt([54, 64])];
}

/**
 * The square crop the landmark model sees for a detector box: side = box height, centred on the box, as
 * Faceplugin's `scaleResult` squares UltraFace boxes. Parts outside the image replicate its border pixels
 * (the original clips and stretches instead, which distorts faces at the frame edge).
 * @param box - `[x1, y1, x2, y2]` in image pixels
 */
export function landmarkCrop(box: BBox): Rect {
  const side = box[3] - box[1];
  return { x: (box[0] + box[2] - side) / 2, y: box[1], widthPx: side, heightPx: side };
}

/** The landmark model bound to one ONNX session; calls are serialised (shared input tensor). */
export class LandmarkModel {
  /**
   * Five landmarks for each box.
   * @param image - RGB24 image the boxes were found in
   * @param boxes - face boxes in `image` pixels
   * @returns per box: left eye, right eye, nose tip, left and right mouth corner, in `image` pixels
   */
  readonly predict5: (image: RgbImage, boxes: BBox[]) => Promise<Point[][]>;
  /** Manifest name of the model (`config.models.landmarks`). */
  readonly name: string;

  private constructor(private readonly net: ImageModel) {
    this.name = net.name;
    this.predict5 = serialise((image, boxes) => this.run(image, boxes));
  }

  /**
   * Loads the model into a new session.
   * @param model - resolved entry: grey input, output `points` of 136 values normalised to the crop
   * @param request - device, fallback and threads
   * @throws ModelError (`MODEL_INVALID`) when the entry is not such a model; AppError (`DEVICE_UNAVAILABLE`)
   */
  static async create(
    model: ResolvedModel,
    request: SessionRequest,
  ): Promise<{ landmarks: LandmarkModel; execution: ExecutionInfo }> {
    const points = model.entry.output.points;
    if (!points || points.shape.at(-1) !== POINTS_68 || model.entry.input.color !== 'GRAY') {
      throw new ModelError(
        `Landmark model '${model.entry.name}' needs a GRAY input and an output 'points' of ${POINTS_68} values`,
      );
    }
    const { net, execution } = await ImageModel.open(model, request);
    return { landmarks: new LandmarkModel(net), execution };
  }

  private async run(image: RgbImage, boxes: BBox[]): Promise<Point[][]> {
    const out: Point[][] = [];
    for (const box of boxes) {
      const crop = landmarkCrop(box);
      this.net.resampler.draw(image, crop);
      const p = (await this.net.run())('points');
      out.push(
        reduce68To5(p).map(([x, y]) => [crop.x + x * crop.widthPx, crop.y + y * crop.heightPx]),
      );
    }
    return out;
  }

  /** Frees the ONNX session. */
  release(): Promise<void> {
    return this.net.release();
  }
}
