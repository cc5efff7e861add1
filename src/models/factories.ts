/**
 * @module Builds the models a stage needs from the config: resolves the manifest entry (or sidecar-described
 * file), verifies it, and opens its session on the requested device.
 */
import { resolveProfile, type Config } from '../config/index.ts';
import { ModelError } from '../errors.ts';
import type { DetectorName, DeviceName } from '../types.ts';
import { BlazeFaceDetector } from './blazeface.ts';
import type { FaceDetector } from './detector.ts';
import { loadEmbedder, type Embedder } from './embedder.ts';
import { LandmarkModel } from './landmarks.ts';
import { resolveModel } from './manifest.ts';
import type { ExecutionInfo, SessionRequest } from './session.ts';
import { UltraFaceDetector } from './ultraface.ts';

/** Overrides of the config's device and thread settings for one model. */
export interface ModelOptions {
  /** Device to run on (default: `config.device`). */
  device?: DeviceName;
  /** Fall back to CPU when an explicit accelerator is unavailable (default: `config.allow_cpu_fallback`). */
  allowCpuFallback?: boolean;
  /** Intra-op threads (default: the active profile's `cpu_threads`, capped by `config.max_cpu_threads`). */
  cpuThreads?: number;
}

/** Options of {@link createDetector}. */
export interface DetectorOptions extends ModelOptions {
  /** Detector family (default: `config.detect.detector`); the model is `config.models[family]`. */
  family?: DetectorName;
}

function sessionRequest(config: Config, opts: ModelOptions): SessionRequest {
  return {
    device: opts.device ?? config.device,
    allowCpuFallback: opts.allowCpuFallback ?? config.allow_cpu_fallback,
    cpuThreads: opts.cpuThreads ?? resolveProfile(config).cpu_threads,
  };
}

/**
 * Opens the face detector of a family.
 * @throws ModelError (`MODEL_INVALID`) for a missing/corrupted model or a family mismatch;
 *   AppError (`DEVICE_UNAVAILABLE`) when the device cannot be used
 */
export async function createDetector(
  config: Config,
  opts: DetectorOptions = {},
): Promise<{ detector: FaceDetector; execution: ExecutionInfo }> {
  const family = opts.family ?? config.detect.detector;
  const model = resolveModel(config.models_dir, config.models[family], 'detector');
  if ((model.entry.family ?? family) !== family) {
    throw new ModelError(
      `Model '${model.entry.name}' is a ${model.entry.family} detector, not ${family}; fix config.models.${family}`,
    );
  }
  const request = sessionRequest(config, opts);
  return family === 'ultraface'
    ? await UltraFaceDetector.create(model, request)
    : await BlazeFaceDetector.create(model, request);
}

/**
 * Opens the landmark model (`config.models.landmarks`).
 * @throws ModelError (`MODEL_INVALID`); AppError (`DEVICE_UNAVAILABLE`)
 */
export async function createLandmarkModel(
  config: Config,
  opts: ModelOptions = {},
): Promise<{ landmarks: LandmarkModel; execution: ExecutionInfo }> {
  const model = resolveModel(config.models_dir, config.models.landmarks, 'landmarks');
  return await LandmarkModel.create(model, sessionRequest(config, opts));
}

/**
 * Opens the embedder (`config.models.embedder`), batching `config.faces.embed_batch` faces per call.
 * @throws ModelError (`MODEL_INVALID`); AppError (`DEVICE_UNAVAILABLE`)
 */
export async function createEmbedder(
  config: Config,
  opts: ModelOptions = {},
): Promise<{ embedder: Embedder; execution: ExecutionInfo }> {
  const model = resolveModel(config.models_dir, config.models.embedder, 'embedder');
  return await loadEmbedder(model, sessionRequest(config, opts), config.faces.embed_batch);
}
