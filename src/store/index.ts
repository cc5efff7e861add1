/**
 * @module Public face of the store layer: data-dir layout, ids, atomic writes, artifacts and the database (SQLite or PostgreSQL).
 */
export {
  episodeIdFromVideo,
  makeEpisodeId,
  newRunId,
  parseEpisodeId,
  parseRunId,
  slugify,
  splitEpisodeId,
} from './ids.ts';
export {
  dbPath,
  episodeDir,
  lockFile,
  runDir,
  runPaths,
  runsDir,
  runtimeJson,
  sourceJson,
  type RunPaths,
} from './paths.ts';
export {
  AtomicFileWriter,
  tmpPathFor,
  writeFileAtomic,
  writeJsonAtomic,
  type AtomicWriteOptions,
} from './atomic.ts';
export { SCHEMA_VERSION, readJsonArtifact, writeJsonArtifact } from './artifacts/json-artifact.ts';
export {
  readSource,
  sourceProbeSchema,
  sourceSchema,
  writeSource,
  type SourceJson,
  type SourceProbe,
} from './artifacts/source.ts';
export {
  artifactFingerprints,
  changedArtifact,
  fileFingerprintSchema,
  fileSha256,
  videoChange,
  videoFingerprint,
  videoFingerprintSchema,
  type FileFingerprint,
  type VideoFingerprint,
} from './artifacts/fingerprint.ts';
export {
  MARKER_STATUSES,
  finishMarker,
  hashParams,
  markerSchema,
  newMarker,
  readMarker,
  writeMarker,
  type Marker,
  type MarkerEnd,
  type MarkerStart,
  type MarkerStatus,
} from './artifacts/marker.ts';
export {
  ProgressWriter,
  progressSchema,
  readProgress,
  type Progress,
  type ProgressUpdate,
} from './artifacts/progress.ts';
export { JsonlWriter, readJsonl, streamJsonl, writeJsonl } from './artifacts/jsonl.ts';
export {
  EXECUTION_MODES,
  activeJobSchema,
  readRuntime,
  runtimeSchema,
  writeRuntime,
  type ActiveJob,
  type ExecutionMode,
  type Runtime,
} from './artifacts/runtime.ts';
export {
  EmbeddingsWriter,
  readEmbeddings,
  writeEmbeddings,
  type Embeddings,
} from './artifacts/embeddings.ts';
export {
  LOG_LEVELS,
  StageLog,
  logLineSchema,
  readStageLog,
  type LogFields,
  type LogLevel,
  type LogLine,
  type StageLogOptions,
} from './artifacts/logs.ts';
export {
  Db,
  openDatabase,
  transact,
  type DatabaseTarget,
  type Engine,
  type OpenDatabaseOptions,
} from './db/open.ts';
export { migrateToLatest, migrationStatus, type MigrationState } from './db/migrate.ts';
export { announceInstanceRecord, getInstance, type InstanceRecord } from './db/instance.repo.ts';
export {
  deleteEpisode,
  getEpisode,
  listEpisodes,
  upsertEpisode,
  type Episode,
  type EpisodeInput,
} from './db/episodes.repo.ts';
export {
  RUN_STATUSES,
  createRun,
  latestRun,
  listRuns,
  setRunStatus,
  type Run,
  type RunInput,
  type RunStatus,
} from './db/runs.repo.ts';
export {
  identitiesFileSchema,
  identitySchema,
  readIdentities,
  writeIdentities,
  type IdentitiesFile,
  type Identity,
  type TrackAttachment,
} from './artifacts/identities.ts';
export {
  JOB_KINDS,
  JOB_STATES,
  claimJob,
  endLostJob,
  findActiveJob,
  finishJob,
  getJob,
  heartbeatJob,
  insertJob,
  jobOfKind,
  listActiveJobs,
  listStageJobs,
  markJobStalled,
  recordJobChild,
  requestJobCancel,
  requeueJob,
  type AnyJob,
  type Job,
  type JobKind,
  type JobProgress,
  type JobsByKind,
  type JobState,
  type NewJob,
  type NewReviewJob,
  type ReviewJob,
  type ReviewJobProgress,
  type StageJobParams,
} from './db/jobs.repo.ts';
export {
  CAST_ROLES,
  CAST_STATUSES,
  createCastMember,
  countCastEpisodes,
  deleteCastMember,
  getCastMember,
  listCastMembers,
  listShows,
  parseSlug,
  requireCastMember,
  updateCastMember,
  type CastInput,
  type CastMember,
  type CastRole,
  type CastStatus,
  type ShowSummary,
} from './db/cast.repo.ts';
export {
  activeEdits,
  appendReviewEdit,
  createReview,
  findReview,
  getReview,
  latestEditedReview,
  listEdits,
  type EditPlan,
  type EditRow,
  type NewReview,
  type ReviewRow,
} from './db/reviews.repo.ts';
export {
  getReviewResult,
  listCastCentroids,
  saveCastCentroids,
  saveReviewResult,
  type CastCentroid,
  type ReviewResult,
  type ReviewResultKind,
} from './db/review-results.repo.ts';
export {
  countFacebankImages,
  deleteFacebankImage,
  facebankEmbeddings,
  getFacebankThumb,
  insertFacebankImages,
  listFacebankImages,
  type FacebankImage,
  type FacebankSource,
  type NewFacebankImage,
} from './db/facebank.repo.ts';
export {
  USER_ROLES,
  appendAudit,
  createUser,
  deleteSession,
  getPasswordHash,
  getSessionData,
  getUserById,
  getUserByName,
  hasUsers,
  insertApiToken,
  listApiTokens,
  listAudit,
  listUsers,
  parseUserName,
  putSession,
  removeUser,
  revokeApiToken,
  userOfTokenHash,
  type ApiToken,
  type AuditEntry,
  type User,
  type UserRole,
} from './db/users.repo.ts';
