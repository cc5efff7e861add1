/**
 * @module Public face of the pipeline: episode registration, the stage registry, the stage runner and
 * still-image face embedding.
 */
export type { StageContext, StageLogger, StageOutcome, StageProgress } from './context.ts';
export {
  embedFaceImages,
  FaceImageEmbedder,
  type EmbedImageOptions,
  type ImageFaceEmbedding,
  type ImageFileEmbedding,
  type ImageSkipReason,
} from './faces-embed/embed-image.ts';
export { registerEpisode, resolveEpisodeId, type EpisodeNaming } from './episode.ts';
export { episodeNumberFromName, numberEpisodes, type NumberedEpisode } from './episode-numbers.ts';
export {
  listSeasonFolder,
  sortSeasonFiles,
  type SeasonFile,
  type SeasonFileInput,
  type SeasonFiles,
  type SkippedFile,
} from './season-files.ts';
export { runStage, type RunStageInput } from './run-stage.ts';
export { STAGE_SPECS, type StageSpec } from './stages.ts';
export { screentimeCsvFiles, type ScreentimeFile, type ScreentimeRow } from './screentime/index.ts';
export type { CastBucket, CastRow } from './screentime/cast.ts';
export { episodeCastScreentime } from './screentime/live.ts';
