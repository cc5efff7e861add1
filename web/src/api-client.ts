/**
 * @module Typed client of the HTTP API (episodes, stage jobs, status, logs). Shapes come from the API contract
 * (`src/api/contract.ts`, the server's own types), imported as types only, so the UI and the server cannot drift
 * apart silently.
 */
import type {
  EpisodeStatus,
  EpisodeView,
  JobLog,
  JobStatus,
  LocalResult,
  NewEpisodeBody,
  QueuedResult,
  RunOptions,
  SourceJson,
  Stage,
  UiConfig,
} from '../../src/api/contract.ts';

export type {
  EpisodeStatus,
  EpisodeView,
  JobLog,
  JobStatus,
  LocalResult,
  NewEpisodeBody,
  QueuedResult,
  RunOptions,
  ServedLogLine,
  SourceJson,
  StageStatusView,
  UiConfig,
} from '../../src/api/contract.ts';

/** An API error answer: `{error: {code, message}}`, plus the running job of a 409. */
export class ApiError extends Error {
  /**
   * @param status - HTTP status
   * @param code - stable error code, e.g. `STAGE_BUSY`
   * @param message - one line: what is wrong and what to do
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends a request and parses the JSON answer.
 * @param method - HTTP method
 * @param path - path and query, e.g. `/episodes`
 * @param body - JSON body
 * @param signal - aborts the request (local runs: the stage is killed)
 * @throws ApiError for any non-2xx answer
 */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  const parsed: unknown = text === '' ? null : JSON.parse(text);
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'HTTP', err?.message ?? `HTTP ${res.status}`);
  }
  return parsed as T;
}

/**
 * Posts a multipart form (files and fields) and parses the JSON answer.
 * @param path - API path
 * @param form - the form
 * @returns the parsed answer
 * @throws ApiError with the server's code and message when it refuses the request
 */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  const res = await fetch(path, { method: 'POST', body: form });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) {
    throw new ApiError(
      res.status,
      body.error?.code ?? 'HTTP',
      body.error?.message ?? 'Upload failed',
    );
  }
  return body;
}

/** @returns the defaults the UI reads from the server config (profiles, device, local thread cap) */
export const getConfig = (): Promise<UiConfig> => request('GET', '/config/ui');

/** @returns every episode */
export const listEpisodes = (): Promise<{ episodes: EpisodeView[] }> => request('GET', '/episodes');

/** @returns one episode */
export const getEpisode = (epId: string): Promise<EpisodeView> =>
  request('GET', `/episodes/${epId}`);

/** Registers an episode (with a server-side `video_path`, or upload the video next). */
export const createEpisode = (body: NewEpisodeBody): Promise<EpisodeView> =>
  request('POST', '/episodes', body);

/** Deletes an episode, its runs and its folder. */
export const deleteEpisode = (epId: string): Promise<null> =>
  request('DELETE', `/episodes/${epId}`);

/** @returns the video's path and ffprobe summary */
export const getVideoMeta = (epId: string): Promise<SourceJson> =>
  request('GET', `/episodes/${epId}/video_meta`);

/** @returns the status of every stage of the latest run */
export const getStatus = (epId: string): Promise<EpisodeStatus> =>
  request('GET', `/episodes/${epId}/status`);

/** @returns the queued and running jobs of every stage, both modes */
export const getRunningJobs = (epId: string): Promise<{ jobs: JobStatus[] }> =>
  request('GET', `/episodes/${epId}/jobs/running`);

/** @returns the latest job logs of a stage, newest first */
export const getStageLogs = (epId: string, stage: Stage, limit = 1): Promise<{ jobs: JobLog[] }> =>
  request('GET', `/episodes/${epId}/logs/${stage}?limit=${limit}`);

/**
 * Starts a stage. Local mode: resolves when the stage has ended (aborting `signal` kills it). Redis: queued.
 * @throws ApiError 409 when the stage runs already or its upstream has not run; 503 when Redis is down
 */
export const startStage = (
  epId: string,
  stage: Stage,
  options: RunOptions,
  signal?: AbortSignal,
): Promise<LocalResult | QueuedResult> =>
  request('POST', `/jobs/${stage}`, { ep_id: epId, ...options }, signal);

/** Resumes a stalled, failed or cancelled stage in the same run. */
export const resumeStage = (
  epId: string,
  stage: Stage,
  options: RunOptions,
  signal?: AbortSignal,
): Promise<LocalResult | QueuedResult> =>
  request('POST', `/episodes/${epId}/stages/${stage}/resume`, options, signal);

/** @returns a job's state, progress, heartbeat and stall */
export const getJob = (jobId: string): Promise<JobStatus> => request('GET', `/jobs/${jobId}`);

/** Cancels a redis job, or a stalled job of either mode. */
export const cancelJob = (jobId: string): Promise<JobStatus> =>
  request('POST', `/jobs/${jobId}/cancel`);

/**
 * Uploads the episode's video with upload progress (fetch cannot report it, XMLHttpRequest can).
 * @param epId - registered episode
 * @param file - the video file
 * @param onProgress - fraction sent, 0..1
 * @throws ApiError when the server refuses the file
 */
export function uploadVideo(
  epId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<EpisodeView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/episodes/${epId}/video`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted: try again'));
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || 'null') as
        EpisodeView | { error?: { code?: string; message?: string } };
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as EpisodeView);
      } else {
        const err = (body as { error?: { code?: string; message?: string } }).error;
        reject(new ApiError(xhr.status, err?.code ?? 'HTTP', err?.message ?? 'Upload failed'));
      }
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
