/**
 * @module BlazeFace face detector (MediaPipe back-camera model, 256x256): the image is letterboxed into the
 * square input, raw anchor regressions of the stride-16 and stride-32 heads are decoded, thresholded and
 * NMS-filtered.
 */
import { ModelError } from '../errors.ts';
import type { FaceBox, RgbImage } from '../types.ts';
import { clipBox, type DetectOptions, type FaceDetector } from './detector.ts';
import type { ResolvedModel } from './manifest.ts';
import { suppressOverlaps } from './nms.ts';
import { ImageModel } from './image-model.ts';
import type { Rect } from './resample.ts';
import { serialise, type ExecutionInfo, type SessionRequest } from './session.ts';

/** The two detection heads: output roles of the manifest entry and their anchor stride in input pixels. */
const HEADS = [
  { scores: 'scores_stride16', boxes: 'boxes_stride16', strideInputPx: 16 },
  { scores: 'scores_stride32', boxes: 'boxes_stride32', strideInputPx: 32 },
] as const;

/** Regressor values per anchor: box centre offset x, y, width, height, then 6 keypoints (x, y). */
const REGRESSORS = 16;

/** Raw logits are clipped to this magnitude before the sigmoid, as MediaPipe does. */
const LOGIT_CLIP = 100;

/**
 * BlazeFace detector. Anchors sit at cell centres, `(col + 0.5) * stride`, several per cell (2 on the
 * stride-16 grid, 6 on the stride-32 grid) with fixed unit size, so a regression is an offset in input pixels.
 * Its 6 keypoints (eyes, nose tip, mouth centre, ear tragions) do not include the two mouth corners of the
 * standard five landmarks, so `landmarks` is left undefined: run the landmark model for alignment.
 * @see Bazarevsky et al., "BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs", 2019
 * @see keijiro/BlazeFaceBarracuda Postprocess1Kernel.hlsl (decoding this exact ONNX export)
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly inputWidthPx: number;
  readonly inputHeightPx: number;
  /** Detection, one call at a time (the input tensor is shared). */
  readonly detect: (image: RgbImage, opts: DetectOptions) => Promise<FaceBox[]>;
  /** Manifest name of the model. */
  readonly name: string;

  private constructor(private readonly net: ImageModel) {
    this.name = net.name;
    this.inputWidthPx = net.format.widthPx;
    this.inputHeightPx = net.format.heightPx;
    this.detect = serialise((image, opts) => this.run(image, opts));
  }

  /**
   * Loads the model into a new session.
   * @param model - resolved manifest entry with the four outputs named in `HEADS`
   * @param request - device, fallback and threads
   * @throws ModelError (`MODEL_INVALID`) when the entry lacks those outputs; AppError (`DEVICE_UNAVAILABLE`)
   */
  static async create(
    model: ResolvedModel,
    request: SessionRequest,
  ): Promise<{ detector: BlazeFaceDetector; execution: ExecutionInfo }> {
    const missing = HEADS.flatMap((h) => [h.scores, h.boxes]).filter(
      (role) => !model.entry.output[role],
    );
    if (missing.length > 0) {
      throw new ModelError(
        `BlazeFace model '${model.entry.name}' lacks outputs ${missing.join(', ')} in its manifest entry`,
      );
    }
    const { net, execution } = await ImageModel.open(model, request);
    return { detector: new BlazeFaceDetector(net), execution };
  }

  /** Where the image lands inside the square input: aspect kept, centred, black bars around. */
  private letterbox(image: RgbImage): Rect {
    const scale = Math.min(this.inputWidthPx / image.widthPx, this.inputHeightPx / image.heightPx);
    const widthPx = Math.max(1, Math.round(image.widthPx * scale));
    const heightPx = Math.max(1, Math.round(image.heightPx * scale));
    const x = Math.floor((this.inputWidthPx - widthPx) / 2);
    const y = Math.floor((this.inputHeightPx - heightPx) / 2);
    return { x, y, widthPx, heightPx };
  }

  private async run(image: RgbImage, opts: DetectOptions): Promise<FaceBox[]> {
    const place = this.letterbox(image);
    this.net.resampler.draw(image, undefined, place);
    const output = await this.net.run();
    const sx = image.widthPx / place.widthPx;
    const sy = image.heightPx / place.heightPx;
    const minLogit = Math.log(opts.scoreThreshold / (1 - opts.scoreThreshold));
    const found: FaceBox[] = [];
    for (const head of HEADS) {
      const scores = output(head.scores);
      const boxes = output(head.boxes);
      const cols = Math.ceil(this.inputWidthPx / head.strideInputPx);
      const rows = Math.ceil(this.inputHeightPx / head.strideInputPx);
      const perCell = scores.length / (cols * rows);
      for (let i = 0; i < scores.length; i++) {
        const logit = Math.min(Math.max(scores[i]!, -LOGIT_CLIP), LOGIT_CLIP);
        if (logit < minLogit) {
          continue;
        }
        const cell = Math.floor(i / perCell);
        const k = i * REGRESSORS;
        const cx = ((cell % cols) + 0.5) * head.strideInputPx + boxes[k]!;
        const cy = (Math.floor(cell / cols) + 0.5) * head.strideInputPx + boxes[k + 1]!;
        const hw = boxes[k + 2]! / 2;
        const hh = boxes[k + 3]! / 2;
        const bbox = clipBox(
          [
            (cx - hw - place.x) * sx,
            (cy - hh - place.y) * sy,
            (cx + hw - place.x) * sx,
            (cy + hh - place.y) * sy,
          ],
          image.widthPx,
          image.heightPx,
        );
        if (bbox) {
          found.push({ bbox, score: 1 / (1 + Math.exp(-logit)) });
        }
      }
    }
    return suppressOverlaps(found, opts.nmsIou);
  }

  /** Frees the ONNX session. */
  release(): Promise<void> {
    return this.net.release();
  }
}
