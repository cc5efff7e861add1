/**
 * @module Public face of the jobs layer: the jobs service (start, resume, cancel, read), episode management, stage
 * status and logs, job events, the BullMQ worker, and the shapes the API serves.
 */
export type { JobRequest } from './admission.ts';
export { createJobsContext, type JobsContext } from './context.ts';
export {
  createEpisode,
  getEpisodeView,
  listEpisodeViews,
  removeEpisode,
  saveUploadedVideo,
  videoMeta,
  type EpisodeView,
  type NewEpisode,
} from './episodes.ts';
export { QueueUnavailableError, StageBusyError } from './errors.ts';
export { REFUSED_VIDEO_PATH, checkMediaPath } from './media-path.ts';
export {
  noSpace,
  refuseWhileJobRuns,
  requireFreeSpace,
  tooLarge,
  type UploadInfo,
} from './video-upload.ts';
export {
  announceAtStart,
  announceInstance,
  checkWorkerInstance,
  INSTANCE_FILE,
  type InstanceAnnouncement,
} from './instance.ts';
export { jobEvents, type JobEvent } from './events.ts';
export type { JobView, ReviewJobView } from './job-view.ts';
export { livePidsInGroup } from './processes.ts';
export type { ProgressView } from './progress.ts';
export type { JobRunner, StartOptions } from './runner.ts';
export {
  JobsService,
  type JobStatus,
  type LocalResult,
  type QueuedResult,
  type SubmitRequest,
} from './service.ts';
export { stageLogs, type JobLog, type ServedLogLine } from './stage-logs.ts';
export {
  episodeStatus,
  STAGE_STATUSES,
  type EpisodeStatus,
  type StageStatus,
  type StageStatusView,
} from './stage-status.ts';
export {
  ReviewJobsService,
  type LocalReviewResult,
  type QueuedReviewResult,
} from './review-jobs.ts';
export {
  registerSeasonPaths,
  registerSeasonUploads,
  type SeasonRegistration,
  type UploadedFile,
} from './season-episodes.ts';
export {
  seasonEpisodes,
  startSeasonRun,
  type LocalSeasonEpisode,
  type LocalSeasonRun,
  type QueuedSeasonRun,
  type SeasonRunRequest,
} from './season-run.ts';
export {
  seasonRunStatus,
  type SeasonEpisodeProgress,
  type SeasonEpisodeState,
  type SeasonRunStatus,
} from './season-status.ts';
export { startWorker, type StageWorker } from './worker.ts';
