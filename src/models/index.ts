/**
 * @module Public face of the models layer: the model pack (manifest, sha256 checks), ONNX Runtime sessions and
 * devices, the face detectors, the landmark model and the embedder. Other folders import only from here.
 */
export { BlazeFaceDetector } from './blazeface.ts';
export { clipBox, type DetectOptions, type FaceDetector } from './detector.ts';
export { loadEmbedder, type Embedder } from './embedder.ts';
export {
  createDetector,
  createEmbedder,
  createLandmarkModel,
  type DetectorOptions,
  type ModelOptions,
} from './factories.ts';
export { landmarkCrop, LandmarkModel, reduce68To5 } from './landmarks.ts';
export {
  loadManifest,
  manifestSchema,
  MODEL_KINDS,
  modelEntrySchema,
  resolveModel,
  sidecarSchema,
  verifyModelFile,
  type ModelEntry,
  type ModelKind,
  type ResolvedModel,
} from './manifest.ts';
export { iou, suppressOverlaps } from './nms.ts';
export { toDynamicBatch, type BatchRewrite } from './onnx-batch.ts';
export { formatOfInput, TensorResampler, type Rect, type TensorFormat } from './resample.ts';
export {
  createSession,
  listAvailableAccelerators,
  resolveDevice,
  serialise,
  type ExecutionInfo,
  type SessionRequest,
} from './session.ts';
export { UltraFaceDetector } from './ultraface.ts';
