/**
 * @module Face embedder: aligned 112x112 RGB24 crops in, L2-normalised float32 embeddings out, several faces
 * per ONNX Runtime call. A model exported with a fixed batch of 1 is rewritten in memory to take a batch.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { InputError, ModelError } from '../errors.ts';
import type { ResolvedModel } from './manifest.ts';
import { toDynamicBatch } from './onnx-batch.ts';
import { formatOfInput, TensorResampler } from './resample.ts';
import { createSession, serialise, type ExecutionInfo, type SessionRequest } from './session.ts';

/** Embeds aligned face crops. */
export interface Embedder {
  /** Manifest name of the model (`config.models.embedder`) or the `.onnx` file name. */
  readonly name: string;
  /** Length of one embedding (512 for the default model). */
  readonly dim: number;
  /** Faces per ONNX Runtime call (`config.faces.embed_batch`; 1 when the model cannot batch). */
  readonly batchSize: number;
  /**
   * Embeds crops, `batchSize` per call.
   * @param crops - aligned crops, each `inputWidthPx * inputHeightPx * 3` bytes RGB24 (112x112: 37632 bytes)
   * @returns `crops.length x dim` float32, row-major, each row L2-normalised
   * @throws InputError (`INPUT_INVALID`) when a crop has the wrong byte length
   */
  embed(crops: Uint8Array[]): Promise<Float32Array>;
  /** Frees the ONNX session. */
  release(): Promise<void>;
}

function normaliseRows(rows: Float32Array, dim: number): void {
  for (let r = 0; r < rows.length; r += dim) {
    let sum = 0;
    for (let i = r; i < r + dim; i++) {
      sum += rows[i]! * rows[i]!;
    }
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = r; i < r + dim; i++) {
      rows[i]! *= inv;
    }
  }
}

/**
 * Loads an embedder. A batch-1 model (input `[1, 3, H, W]`, Reshape constants like `[1, 512]`) is rewritten
 * with {@link toDynamicBatch} so that `batchSize` faces run at once; a model whose batch is already dynamic is
 * used as is.
 * @param model - resolved entry with input `[N, 3, H, W]`, output `embedding` and `embedding_dim`
 * @param request - device, fallback and threads
 * @param batchSize - faces per call (`config.faces.embed_batch`)
 * @throws ModelError (`MODEL_INVALID`) when the entry lacks `embedding`/`embedding_dim`; AppError (`DEVICE_UNAVAILABLE`)
 */
export async function loadEmbedder(
  model: ResolvedModel,
  request: SessionRequest,
  batchSize: number,
): Promise<{ embedder: Embedder; execution: ExecutionInfo }> {
  const { entry } = model;
  const output = entry.output.embedding;
  const dim = entry.embedding_dim;
  if (!output || !dim || entry.input.color !== 'RGB') {
    throw new ModelError(
      `Embedder '${entry.name}' needs an RGB input, an output 'embedding' and 'embedding_dim' in its description`,
    );
  }
  const format = formatOfInput(entry.input);
  const bytes = readFileSync(model.path);
  const fixedBatch = entry.input.shape[0] === 1;
  const rewritten = fixedBatch && batchSize > 1 ? toDynamicBatch(bytes, entry.input.name) : null;
  const batch = fixedBatch && !rewritten ? 1 : batchSize;
  const { session, execution } = await createSession(rewritten?.model ?? bytes, request);
  if (batch < batchSize) {
    execution.warnings.push(
      `embedder '${entry.name}' has a fixed batch of 1; embedding one face per call`,
    );
  }

  const plane = 3 * format.widthPx * format.heightPx;
  const cropBytes = format.widthPx * format.heightPx * 3;
  const data = new Float32Array(batch * plane);
  const slots = Array.from(
    { length: batch },
    (_, i) => new TensorResampler(format, data.subarray(i * plane, (i + 1) * plane)),
  );
  const shapeOf = (n: number): number[] =>
    format.layout === 'NCHW'
      ? [n, 3, format.heightPx, format.widthPx]
      : [n, format.heightPx, format.widthPx, 3];
  const inputs = Array.from(
    { length: batch },
    (_, i) => new ort.Tensor('float32', data.subarray(0, (i + 1) * plane), shapeOf(i + 1)),
  );

  const embed = serialise(async (crops: Uint8Array[]): Promise<Float32Array> => {
    const bad = crops.findIndex((c) => c.length !== cropBytes);
    if (bad >= 0) {
      throw new InputError(
        `Crop ${bad} has ${crops[bad]?.length} bytes; the embedder needs ${format.widthPx}x${format.heightPx} RGB24 (${cropBytes} bytes)`,
      );
    }
    const rows = new Float32Array(crops.length * dim);
    for (let start = 0; start < crops.length; start += batch) {
      const chunk = crops.slice(start, start + batch);
      chunk.forEach((crop, i) =>
        slots[i]!.draw({ data: crop, widthPx: format.widthPx, heightPx: format.heightPx }),
      );
      const out = await session.run({ [entry.input.name]: inputs[chunk.length - 1]! });
      rows.set(
        (out[output.name]!.data as Float32Array).subarray(0, chunk.length * dim),
        start * dim,
      );
    }
    normaliseRows(rows, dim);
    return rows;
  });
  const embedder: Embedder = {
    name: entry.name,
    dim,
    batchSize: batch,
    embed,
    release: () => session.release(),
  };
  return { embedder, execution };
}
