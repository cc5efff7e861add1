/**
 * @module Typed client of the season routes: shows with their seasons, the season report (cast × episode screen
 * time, co-appearance, review state), its exports, adding episodes to a season, and the season run with its
 * per-episode progress. Also the paths of an episode's video and of its "who is on screen" WebVTT track.
 */
import type {
  AddEpisodesAnswer,
  RunOptions,
  SeasonExportFormat,
  SeasonReport,
  SeasonRunAnswer,
  SeasonRunStatus,
  ShowView,
} from '../../src/api/contract.ts';
import { postForm, request } from './api-client.ts';

export type {
  AddEpisodesAnswer,
  EpisodeCastSeconds,
  SeasonCastMember,
  SeasonEpisode,
  SeasonEpisodeProgress,
  SeasonEpisodeState,
  SeasonExportFormat,
  SeasonReport,
  SeasonRunAnswer,
  SeasonRunStatus,
  ShowView,
} from '../../src/api/contract.ts';

const seasonPath = (show: string, season: number): string => `/shows/${show}/seasons/${season}`;

/**
 * Uploads video files to a season in one multipart request.
 * @throws ApiError when the server refuses the request
 */
async function uploadEpisodes(
  show: string,
  season: number,
  files: File[],
): Promise<AddEpisodesAnswer> {
  const form = new FormData();
  for (const f of files) {
    form.append('files', f, f.name);
  }
  return postForm(`${seasonPath(show, season)}/episodes`, form);
}

/** The season routes. */
export const seasons = {
  /** @returns every show with its seasons */
  shows: (): Promise<{ items: ShowView[] }> => request('GET', '/shows'),
  /** @returns the season report */
  report: (show: string, season: number): Promise<SeasonReport> =>
    request('GET', seasonPath(show, season)),
  /** Registers episodes from server-side video paths. */
  addPaths: (show: string, season: number, videoPaths: string[]): Promise<AddEpisodesAnswer> =>
    request('POST', `${seasonPath(show, season)}/episodes`, { video_paths: videoPaths }),
  uploadEpisodes,
  /** Runs every stage of every episode of the season in the given execution mode. */
  run: (show: string, season: number, options: RunOptions): Promise<SeasonRunAnswer> =>
    request('POST', `${seasonPath(show, season)}/run`, options),
  /** @returns the season run's progress per episode */
  runStatus: (show: string, season: number): Promise<SeasonRunStatus> =>
    request('GET', `${seasonPath(show, season)}/run`),
  /** @returns the API path of an export */
  exportUrl: (show: string, season: number, format: SeasonExportFormat): string =>
    `${seasonPath(show, season)}/export.${format}`,
};

/** @returns the API path of an episode's video (served with HTTP range requests) */
export const videoUrl = (epId: string): string => `/episodes/${epId}/video`;

/** @returns the API path of an episode's "who is on screen" WebVTT track */
export const castVttUrl = (epId: string): string => `/episodes/${epId}/screentime/cast.vtt`;
