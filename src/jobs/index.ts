/**
 * @module Public face of the jobs layer: the jobs service (start, resume, cancel, read), episode management, stage
 * status and logs, job events, the BullMQ worker, and the pieces tests drive directly (runners, admission, locks).
 */
export { admitJob, type AdmitInput, type JobRequest } from './admission.ts';
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
export { jobEvents, type JobEvent } from './events.ts';
export { formatLogLine, isNoisy } from './job-log.ts';
export { viewJob, type JobView } from './job-view.ts';
export { createLocalRunner, LOCAL_LABEL } from './local-runner.ts';
export {
  judgeHolder,
  readLock,
  stageLockSchema,
  type HolderVerdict,
  type LockRead,
  type StageLock,
} from './lock.ts';
export { isProcessAlive, livePidsInGroup } from './processes.ts';
export { viewProgress, type ProgressView } from './progress.ts';
export { countWorkers, openStageQueue, probeRedis, type QueueJobData } from './queue.ts';
export { createRedisRunner, REDIS_LABEL } from './redis-runner.ts';
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
export { isStalled } from './stall.ts';
export { startWorker, type StageWorker } from './worker.ts';
