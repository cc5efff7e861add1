/**
 * @module UltraFace face detector (RFB-320): the image is stretched to the network input, and the graph's own
 * decoded outputs (softmax scores, corner-form boxes normalised to [0, 1]) are thresholded and NMS-filtered.
 */
import { ModelError } from '../errors.ts';
import type { FaceBox, RgbImage } from '../types.ts';
import { clipBox, type DetectOptions, type FaceDetector } from './detector.ts';
import { ImageModel } from './image-model.ts';
import type { ResolvedModel } from './manifest.ts';
import { suppressOverlaps } from './nms.ts';
import { serialise, type ExecutionInfo, type SessionRequest } from './session.ts';

/**
 * UltraFace detector. The exported graph already applies the SSD prior-box decoding (priors of `min_sizes`
 * 10-256 px over strides 8-64, variances 0.1/0.2), so `boxes` are final corner-form boxes; the prior
 * parameters in Faceplugin's `fr_detect.js` are only used by its unused `decodeBBox`.
 * @see Linzaer, Ultra-Light-Fast-Generic-Face-Detector-1MB, https://github.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB
 */
export class UltraFaceDetector implements FaceDetector {
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
   * @param model - resolved manifest entry with outputs `scores` ([1, N, 2]) and `boxes` ([1, N, 4])
   * @param request - device, fallback and threads
   * @throws ModelError (`MODEL_INVALID`) when the entry lacks those outputs; AppError (`DEVICE_UNAVAILABLE`)
   */
  static async create(
    model: ResolvedModel,
    request: SessionRequest,
  ): Promise<{ detector: UltraFaceDetector; execution: ExecutionInfo }> {
    if (!model.entry.output.scores || !model.entry.output.boxes) {
      throw new ModelError(
        `UltraFace model '${model.entry.name}' needs outputs 'scores' and 'boxes' in its manifest entry`,
      );
    }
    const { net, execution } = await ImageModel.open(model, request);
    return { detector: new UltraFaceDetector(net), execution };
  }

  private async run(image: RgbImage, opts: DetectOptions): Promise<FaceBox[]> {
    this.net.resampler.draw(image);
    const output = await this.net.run();
    const scores = output('scores');
    const boxes = output('boxes');
    const { widthPx: w, heightPx: h } = image;
    const found: FaceBox[] = [];
    for (let i = 0; i < boxes.length / 4; i++) {
      const score = scores[2 * i + 1]!;
      if (score < opts.scoreThreshold) {
        continue;
      }
      const k = 4 * i;
      const bbox = clipBox(
        [boxes[k]! * w, boxes[k + 1]! * h, boxes[k + 2]! * w, boxes[k + 3]! * h],
        w,
        h,
      );
      if (bbox) {
        found.push({ bbox, score });
      }
    }
    return suppressOverlaps(found, opts.nmsIou);
  }

  /** Frees the ONNX session. */
  release(): Promise<void> {
    return this.net.release();
  }
}
