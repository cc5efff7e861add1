/**
 * @module One ONNX session with a single image input: a preallocated input tensor that a TensorResampler draws
 * into, and the outputs looked up by their manifest role. Shared by the detectors and the landmark model.
 */
import * as ort from 'onnxruntime-node';
import type { ResolvedModel } from './manifest.ts';
import { formatOfInput, TensorResampler, type TensorFormat } from './resample.ts';
import { createSession, type ExecutionInfo, type SessionRequest } from './session.ts';

/** An image model session; not reentrant (one input tensor): callers serialise their runs. */
export class ImageModel {
  /** Size, layout, colour and normalisation of the input tensor. */
  readonly format: TensorFormat;
  /** Draws images (or parts) into the input tensor. */
  readonly resampler: TensorResampler;
  private readonly input: ort.Tensor;

  private constructor(
    /** The manifest entry and file. */
    readonly model: ResolvedModel,
    private readonly session: ort.InferenceSession,
  ) {
    this.format = formatOfInput(model.entry.input);
    this.resampler = new TensorResampler(this.format);
    const { widthPx: w, heightPx: h } = this.format;
    const channels = this.format.color === 'RGB' ? 3 : 1;
    const shape = this.format.layout === 'NCHW' ? [1, channels, h, w] : [1, h, w, channels];
    this.input = new ort.Tensor('float32', this.resampler.data, shape);
  }

  /**
   * Opens the model's session on the requested device.
   * @throws ModelError (`MODEL_INVALID`) for an unreadable model; AppError (`DEVICE_UNAVAILABLE`)
   */
  static async open(
    model: ResolvedModel,
    request: SessionRequest,
  ): Promise<{ net: ImageModel; execution: ExecutionInfo }> {
    const { session, execution } = await createSession(model.path, request);
    return { net: new ImageModel(model, session), execution };
  }

  /** Manifest name of the model. */
  get name(): string {
    return this.model.entry.name;
  }

  /**
   * Runs the session on what the resampler last drew.
   * @returns a lookup of output data by manifest output role (e.g. `scores`, `boxes`, `points`)
   */
  async run(): Promise<(role: string) => Float32Array> {
    const { input, output } = this.model.entry;
    const out = await this.session.run({ [input.name]: this.input });
    return (role) => out[output[role]!.name]!.data as Float32Array;
  }

  /** Frees the ONNX session. */
  release(): Promise<void> {
    return this.session.release();
  }
}
