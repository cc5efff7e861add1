/**
 * @module Checks made before a command writes anything: the requested device can be used, and the model files
 * the stages will load are present and pass their sha256 check. Opens no ONNX session.
 */
import type { Config } from '../config/index.ts';
import { resolveDevice, resolveModel, type ModelKind } from '../models/index.ts';
import type { Stage } from '../types.ts';

/**
 * Fails fast, before an episode or run is registered, on a device or model problem a stage would hit later.
 * Stages without models (cluster, screentime) need no check. Model hashes are cached per process, so the stages
 * do not hash the files again.
 * @param config - loaded config: `device`, `allow_cpu_fallback`, `models_dir`, `models`, `detect.detector`
 * @param stages - the stages about to run; detect_track needs the detector and landmark model, faces_embed the
 *   embedder
 * @throws AppError (`DEVICE_UNAVAILABLE`) when an explicit accelerator is missing and CPU fallback is off;
 *   ModelError (`MODEL_INVALID`) when a needed model is unknown, missing or fails its sha256 check
 */
export function preflight(config: Config, stages: readonly Stage[]): void {
  const models: [string, ModelKind][] = [];
  if (stages.includes('detect_track')) {
    models.push(
      [config.models[config.detect.detector], 'detector'],
      [config.models.landmarks, 'landmarks'],
    );
  }
  if (stages.includes('faces_embed')) {
    models.push([config.models.embedder, 'embedder']);
  }
  if (models.length === 0) {
    return;
  }
  resolveDevice(config.device, config.allow_cpu_fallback);
  for (const [ref, kind] of models) {
    resolveModel(config.models_dir, ref, kind);
  }
}
