/**
 * @module Public face of the review layer: opening a run's review, edits and undo, the effective identities and
 * how tracks resolve to cast members, suggestions, auto-group, facebank, cast CSV import and the long operations.
 */
export {
  clusterAgglomerative,
  clusterWithLinkage,
  cohesion,
  type CannotLink,
  type ClusterOptions,
  type Clustering,
} from './agglomerative.ts';
export {
  applyEdit,
  formatIdentityId,
  initialState,
  trackOfFrame,
  type ReviewBase,
} from './apply.ts';
export {
  autoAssign,
  autoAssignShow,
  type AutoAssignment,
  type AutoAssignResult,
  type AutoAssignTier,
} from './auto-assign.ts';
export { cannotLinkIdentities, groupIdentities, type IdentityGroup } from './auto-group.ts';
export { carryOver, type CarriedWork } from './carry-over.ts';
export {
  CLEANUP_PRESETS,
  runCleanup,
  type CleanupCut,
  type CleanupFigures,
  type CleanupPreset,
  type CleanupResult,
} from './cleanup.ts';
export { findEmbeddingJumps, type EmbeddingJump } from './cleanup-jumps.ts';
export { importCastCsv, parseCsv } from './cast-import.ts';
export { editReview, undoEdits, type EditOptions, type EditOutcome } from './edits.ts';
export { addFacebankUpload, exportIdentityToFacebank, type FaceFileEmbedder } from './facebank.ts';
export {
  batchAssign,
  operationParamsSchemas,
  proposeGroups,
  refreshSimilarity,
  REVIEW_OPERATIONS,
  runReviewOperation,
  storedResult,
  type IdentitySimilarity,
  type OperationParams,
  type ReportProgress,
  type ReviewOperation,
} from './operations.ts';
export { pageOf, resolvePage, type Page, type PageRequest } from './paging.ts';
export type { EditRequest } from './plan.ts';
export { resolveTracks, type TrackResolution } from './resolve.ts';
export {
  openReview,
  SYSTEM_REVIEWER,
  type OpenReview,
  type ReviewDeps,
  type ReviewTarget,
} from './session.ts';
export {
  castIdSchema,
  castRefsOf,
  editSchema,
  identityIdSchema,
  trackIdSchema,
  type CarryConflict,
  type Edit,
  type ReviewIdentity,
  type ReviewState,
  type TrackCut,
  type TrackOverride,
} from './state.ts';
export { coOccurringTracks } from './run-data.ts';
export { clothingDistance, scenePenalty, type SceneTrack } from './scene-evidence.ts';
export { rankCast, TIERS, type Reference, type Suggestion, type Tier } from './suggestions.ts';
export { mapTracks } from './track-map.ts';
export {
  getIdentity,
  identitySuggestions,
  listEditLog,
  listIdentities,
  listIdentityTracks,
  listTrackFaces,
  reviewSummary,
  type FaceView,
  type IdentityFilter,
  type IdentityView,
  type TrackView,
} from './views.ts';
