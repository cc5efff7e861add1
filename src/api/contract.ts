/**
 * @module The API contract: the request bodies and answers of the HTTP API, as types, plus the few constant lists
 * (stages, profiles, devices) a client offers as choices. The one module of `src/` that the web app (`web/src/`)
 * may import (lint rule `boundaries/dependencies` in `eslint.config.js`). Answer types are the server's own types
 * (re-exported here) or defined here and used by the routes that send them, so the server and the web app cannot
 * drift apart. Everything but the constant lists is imported as types only: the web bundle gets no server code.
 */
import type { z } from 'zod';
import type { LocalSeasonRun, QueuedSeasonRun, SeasonRegistration } from '../jobs/index.ts';
import type { ScreentimeFile } from '../pipeline/index.ts';
import type { SEASON_EXPORT_FORMATS, SeasonSummary } from '../report/index.ts';
import type { FaceView, IdentityView, operationParamsSchemas, TrackView } from '../review/index.ts';
import type { CastMember, FacebankImage, ShowSummary } from '../store/index.ts';
import type { AuthUser } from './auth.ts';
import type { episodeBodySchema, jobBodySchema } from './schemas.ts';

export { DEVICES, PROFILES, STAGES } from '../types.ts';
export type { DeviceName, ProfileName, Stage } from '../types.ts';
export type { UiConfig } from './routes/config.ts';
export type { CreatedToken } from '../accounts/index.ts';
export type { ApiToken, ExecutionMode, ReviewJob, SourceJson } from '../store/index.ts';
export type {
  EpisodeStatus,
  EpisodeView,
  JobLog,
  JobStatus,
  LocalResult,
  QueuedResult,
  SeasonEpisodeProgress,
  SeasonEpisodeState,
  SeasonRunStatus,
  ServedLogLine,
  StageStatusView,
} from '../jobs/index.ts';
export type {
  EpisodeCastSeconds,
  SeasonCastMember,
  SeasonEpisode,
  SeasonReport,
  SeasonSummary,
} from '../report/index.ts';
export type {
  CarryConflict,
  CleanupPreset,
  CleanupResult,
  Page,
  Suggestion,
} from '../review/index.ts';

/** Body of `POST /episodes`. */
export type NewEpisodeBody = z.input<typeof episodeBodySchema>;

/** How a stage runs: mode, profile, device (body of `POST /jobs/{stage}` without the ids). */
export type RunOptions = Omit<z.input<typeof jobBodySchema>, 'ep_id' | 'run_id'>;

/** A show as listed by `GET /shows`: episode and cast counts, and its seasons with their episode counts. */
export type ShowView = ShowSummary & { seasons: SeasonSummary[] };

/** Answer of `POST /shows/{show}/seasons/{season}/episodes`: episodes registered, files skipped with why. */
export type AddEpisodesAnswer = SeasonRegistration;

/** Answer of `POST /shows/{show}/seasons/{season}/run`: redis queues a chain per episode, local answers when every episode ended. */
export type SeasonRunAnswer = QueuedSeasonRun | LocalSeasonRun;

/** A season export format (`GET /shows/{show}/seasons/{season}/export.{format}`). */
export type SeasonExportFormat = (typeof SEASON_EXPORT_FORMATS)[number];

/** A suggestion tier that `POST .../clusters/batch_assign_async` accepts as `accept_tier`. */
export type AcceptTier = NonNullable<
  z.input<(typeof operationParamsSchemas)['batch_assign']>['accept_tier']
>;

/** A cast member as listed, with its number of facebank images. */
export type CastMemberView = CastMember & { facebank_images: number };

/** A facebank image as listed, with its thumbnail's API path (no embedding dimension). */
export type FacebankImageView = Omit<FacebankImage, 'dim'> & { thumb_url: string };

/** An identity as listed, with its thumbnail's API path. */
export type ReviewIdentityView = IdentityView & { thumb_url: string | null };

/** A track as listed, with its thumbnail's API path. */
export type ReviewTrackView = TrackView & { thumb_url: string };

/** A face sample as listed, with its crop's API path. */
export type FaceSampleView = FaceView & { crop_url: string };

/** What every review answer carries. */
export interface Versioned {
  /** Run reviewed. */
  run_id: string;
  /** Review version (send it back as `expected_version`). */
  version: number;
}

/** Answer of a review edit. */
export interface EditAnswer extends Versioned {
  /** The edit recorded: its sequence number in the run's edit log and its kind. */
  edit: { seq: number; kind: string };
}

/** Answer of a long review operation (`..._async`): local (ended) or redis (queued). */
export type LongOpAnswer =
  | {
      execution_mode: 'local';
      status: 'completed' | 'error';
      error: string | null;
      warning: string | null;
    }
  | { execution_mode: 'redis'; job_id: string; status: 'queued'; warning: string | null };

/** `screentime.json` of a run as `GET /episodes/{ep_id}/screentime` serves it; files written before review lack `cast` and `unassigned`. */
export type ScreentimeReport = Omit<ScreentimeFile, 'cast' | 'unassigned'> &
  Partial<Pick<ScreentimeFile, 'cast' | 'unassigned'>>;

/** A caller as the auth routes show it (`GET /auth/me`, `POST /auth/sign-in`): name, role, how it is known. */
export type Me = Pick<AuthUser, 'name' | 'role' | 'via'>;

/** Answer of `GET /auth/me`. */
export interface MeAnswer {
  /** The caller, null when not signed in. */
  user: Me | null;
  /** True while no account exists (loopback single-user mode). */
  single_user: boolean;
}
