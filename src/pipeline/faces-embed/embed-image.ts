/**
 * @module Face embeddings of still images (gallery photos, the seed of a facebank): detect the faces of each
 * image with the configured detector, keep the largest, align its five landmarks to the ArcFace template and
 * embed it with the configured embedder, as faces_embed does for video frames.
 */
import type { Config } from '../../config/index.ts';
import { decodeImageFile } from '../../media/index.ts';
import {
  createDetector,
  createEmbedder,
  createLandmarkModel,
  type Embedder,
  type FaceDetector,
  type LandmarkModel,
  type ModelOptions,
} from '../../models/index.ts';
import type { BBox, FaceBox, RgbImage } from '../../types.ts';
import { ALIGNED_SIZE_PX, alignFace } from '../face-samples/align.ts';

/** Why an image has no embedding: no face found, or its largest face is under `config.faces.min_face_px`. */
export type ImageSkipReason = 'no_face' | 'too_small';

/** The face embedding of one image (or why there is none). */
export interface ImageFaceEmbedding {
  /** L2-normalised embedding (length = embedder dim, 512 with the default model), or null when skipped. */
  embedding: Float32Array | null;
  /** Box of the largest face, `[x1, y1, x2, y2]` in image pixels, or null when no face was found. */
  bbox: BBox | null;
  /** Detector score of that face in [0, 1], or null when no face was found. */
  score: number | null;
  /** Why `embedding` is null, or null when there is an embedding. */
  reason: ImageSkipReason | null;
}

/** The face embedding of one image file. */
export interface ImageFileEmbedding extends ImageFaceEmbedding {
  /** The image file, as given. */
  path: string;
}

/** Options of {@link FaceImageEmbedder.open} and {@link embedFaceImages}. */
export interface EmbedImageOptions extends ModelOptions {
  /** Stops between images; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface LocatedFace extends Omit<ImageFaceEmbedding, 'embedding'> {
  /** Aligned 112 x 112 RGB24 crop, or null when skipped. */
  crop: Uint8Array | null;
}

const largest = (faces: FaceBox[]): FaceBox | undefined =>
  faces.reduce<FaceBox | undefined>(
    (best, f) => (best && area(best.bbox) >= area(f.bbox) ? best : f),
    undefined,
  );

const area = (b: BBox): number => (b[2] - b[0]) * (b[3] - b[1]);

/** The detector, landmark model and embedder opened once, for embedding many images. */
export class FaceImageEmbedder {
  private constructor(
    private readonly config: Config,
    private readonly detector: FaceDetector,
    private readonly landmarks: LandmarkModel,
    private readonly embedder: Embedder,
  ) {}

  /**
   * Opens the models of the config: `config.detect.detector`, `config.models.landmarks`, `config.models.embedder`.
   * @param config - loaded config; detection uses `config.detect.score_threshold` and `config.detect.nms_iou`
   * @param opts - device, fallback and threads (default: the config's)
   * @throws ModelError (`MODEL_INVALID`) for a missing or corrupted model; AppError (`DEVICE_UNAVAILABLE`)
   */
  static async open(config: Config, opts: ModelOptions = {}): Promise<FaceImageEmbedder> {
    const { detector } = await createDetector(config, opts);
    try {
      const { landmarks } = await createLandmarkModel(config, opts);
      try {
        const { embedder } = await createEmbedder(config, opts);
        return new FaceImageEmbedder(config, detector, landmarks, embedder);
      } catch (err) {
        await landmarks.release();
        throw err;
      }
    } catch (err) {
      await detector.release();
      throw err;
    }
  }

  /** Length of one embedding (512 with the default model). */
  get dim(): number {
    return this.embedder.dim;
  }

  /**
   * Embeds the largest face of an image in memory.
   * @param image - RGB24 image of any size
   */
  async embedImage(image: RgbImage): Promise<ImageFaceEmbedding> {
    const { crop, ...face } = await this.locate(image);
    return { ...face, embedding: crop ? await this.embedder.embed([crop]) : null };
  }

  /**
   * Embeds the largest face of each image file (any format sharp reads: JPEG, PNG, WebP...); faces are embedded
   * `config.faces.embed_batch` per model call.
   * @param paths - image files
   * @param signal - stops between images
   * @returns one entry per path, in order
   * @throws InputError (`INPUT_INVALID`) when a file is missing or is not an image
   */
  async embedFiles(paths: readonly string[], signal?: AbortSignal): Promise<ImageFileEmbedding[]> {
    const located: (LocatedFace & { path: string })[] = [];
    for (const path of paths) {
      signal?.throwIfAborted();
      located.push({ path, ...(await this.locate(await decodeImageFile(path))) });
    }
    const crops = located.flatMap((f) => (f.crop ? [f.crop] : []));
    const rows = await this.embedder.embed(crops);
    let row = 0;
    return located.map(({ crop, ...face }) => {
      if (!crop) {
        return { ...face, embedding: null };
      }
      row++;
      return { ...face, embedding: rows.slice((row - 1) * this.dim, row * this.dim) };
    });
  }

  /** Frees the three ONNX sessions. The embedder must not be used afterwards. */
  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.landmarks.release(), this.embedder.release()]);
  }

  private async locate(image: RgbImage): Promise<LocatedFace> {
    const { score_threshold, nms_iou } = this.config.detect;
    const face = largest(
      await this.detector.detect(image, { scoreThreshold: score_threshold, nmsIou: nms_iou }),
    );
    if (!face) {
      return { bbox: null, score: null, crop: null, reason: 'no_face' };
    }
    const found = { bbox: face.bbox, score: face.score };
    if (face.bbox[3] - face.bbox[1] < this.config.faces.min_face_px) {
      return { ...found, crop: null, reason: 'too_small' };
    }
    const points =
      face.landmarks?.length === 5
        ? face.landmarks
        : (await this.landmarks.predict5(image, [face.bbox]))[0]!;
    const crop = new Uint8Array(ALIGNED_SIZE_PX * ALIGNED_SIZE_PX * 3);
    alignFace(image, points, crop);
    return { ...found, crop, reason: null };
  }
}

/**
 * Embeds the largest face of each image file: opens the configured models, embeds, frees them. Use
 * {@link FaceImageEmbedder} to keep the models open across calls.
 * @param config - loaded config (detector, landmarks, embedder, `config.detect`, `config.faces.min_face_px`)
 * @param paths - image files (JPEG, PNG, WebP...)
 * @param opts - device, fallback, threads, abort signal
 * @returns per path, in order: the embedding and box of its largest face, or a null embedding and the reason
 * @throws InputError (`INPUT_INVALID`) when a file is missing or is not an image; ModelError (`MODEL_INVALID`);
 *   AppError (`DEVICE_UNAVAILABLE`)
 */
export async function embedFaceImages(
  config: Config,
  paths: readonly string[],
  opts: EmbedImageOptions = {},
): Promise<ImageFileEmbedding[]> {
  const { signal, ...modelOpts } = opts;
  const embedder = await FaceImageEmbedder.open(config, modelOpts);
  try {
    return await embedder.embedFiles(paths, signal);
  } finally {
    await embedder.release();
  }
}
