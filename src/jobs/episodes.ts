/**
 * @module Episodes as the API manages them: register (with a server-side video path, or later an upload), list,
 * read, delete (refused while a stage job is alive), and the video's probe.
 */
import { rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../errors.ts';
import { registerEpisode } from '../pipeline/index.ts';
import {
  deleteEpisode,
  episodeDir,
  getEpisode,
  latestRun,
  listActiveJobs,
  listEpisodes,
  makeEpisodeId,
  parseEpisodeId,
  readSource,
  sourceJson,
  transact,
  upsertEpisode,
  type Episode,
  type SourceJson,
} from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { StageBusyError } from './errors.ts';
import { abandon } from './job-state.ts';
import { checkMediaPath } from './media-path.ts';
import { refuseWhileJobRuns, storeUploadedVideo, type UploadInfo } from './video-upload.ts';
import { viewJob } from './job-view.ts';
import { isStalled } from './stall.ts';

/** An episode as the API shows it. */
export interface EpisodeView extends Episode {
  /** True once a video is registered (its probe is in `source.json`). */
  has_video: boolean;
  /** The newest run, or null. */
  latest_run_id: string | null;
}

/** What creates an episode. */
export interface NewEpisode {
  /** Show name (slugified into the id). */
  show: string;
  /** Season number. */
  season: number;
  /** Episode number. */
  episode: number;
  /** Title. */
  title?: string;
  /** A video file on the server; leave out to upload it later. */
  video_path?: string;
}

async function view(ctx: JobsContext, episode: Episode): Promise<EpisodeView> {
  return {
    ...episode,
    has_video: readSource(sourceJson(ctx.config.data_dir, episode.ep_id)) !== null,
    latest_run_id: (await latestRun(ctx.db, episode.ep_id))?.run_id ?? null,
  };
}

/**
 * @returns the episode
 * @throws InputError for a bad id; NotFoundError when it is not registered
 */
export async function getEpisodeView(ctx: JobsContext, epId: string): Promise<EpisodeView> {
  const episode = await getEpisode(ctx.db, parseEpisodeId(epId));
  if (!episode) {
    throw new NotFoundError(
      `Episode ${epId} is not registered: create it with POST /episodes first`,
    );
  }
  return view(ctx, episode);
}

/** @returns every episode, by show, season, episode */
export async function listEpisodeViews(ctx: JobsContext): Promise<EpisodeView[]> {
  const episodes = await listEpisodes(ctx.db);
  return Promise.all(episodes.map((e) => view(ctx, e)));
}

/**
 * Registers an episode (again, when it exists: title and video are updated). A `video_path` must be a video under
 * `api.media_roots` (see media-path.ts).
 * @throws InputError (`INPUT_INVALID` for the naming, `VIDEO_UNREADABLE` for the video, one message for every
 *   refused path) before anything is written
 */
export async function createEpisode(ctx: JobsContext, input: NewEpisode): Promise<EpisodeView> {
  const epId = makeEpisodeId(input.show, input.season, input.episode);
  const naming = { epId, show: input.show, title: input.title };
  if (input.video_path !== undefined) {
    const real = await checkMediaPath(ctx.config, input.video_path);
    if (await getEpisode(ctx.db, epId)) {
      await refuseWhileJobRuns(ctx, epId, 'changing its video');
    }
    await registerEpisode(ctx.config.data_dir, ctx.db, real, naming);
  } else {
    await upsertEpisode(ctx.db, { ep_id: epId, title: input.title, show_name: input.show });
  }
  return getEpisodeView(ctx, epId);
}

/**
 * Stores an uploaded video (see video-upload.ts: 409 while a job runs, 413 over the limit, 507 without room, the
 * old video kept until the new one probes as a video) and registers it.
 * @param ctx - jobs context
 * @param epId - registered episode
 * @param filename - the client's file name (only its extension is kept)
 * @param body - the file's bytes
 * @param info - declared size and truncation flag of the HTTP upload
 * @throws NotFoundError for an unknown episode; StageBusyError 409; AppError 413 or 507; InputError
 *   (`VIDEO_UNREADABLE`) when it is not a video
 */
export async function saveUploadedVideo(
  ctx: JobsContext,
  epId: string,
  filename: string,
  body: Readable,
  info: UploadInfo = {},
): Promise<EpisodeView> {
  try {
    await getEpisodeView(ctx, epId);
  } catch (err) {
    body.resume();
    throw err;
  }
  await storeUploadedVideo(ctx, epId, filename, body, info);
  return getEpisodeView(ctx, epId);
}

/**
 * @returns the video's `source.json` (path and ffprobe summary)
 * @throws NotFoundError when the episode or its video is not registered
 */
export async function videoMeta(ctx: JobsContext, epId: string): Promise<SourceJson> {
  await getEpisodeView(ctx, epId);
  const source = readSource(sourceJson(ctx.config.data_dir, epId));
  if (!source) {
    throw new NotFoundError(
      `Episode ${epId} has no video yet: upload it with POST /episodes/${epId}/video`,
    );
  }
  return source;
}

/**
 * Deletes an episode: its database rows (runs, jobs) and its folder in the data directory. A registered video
 * outside the data directory is kept. Stalled jobs are ended; a live job refuses the delete.
 * @throws NotFoundError for an unknown episode; StageBusyError (409) while a stage job is alive
 */
export async function removeEpisode(ctx: JobsContext, epId: string): Promise<void> {
  const id = parseEpisodeId(epId);
  await transact(ctx.db, async (db) => {
    const tx: JobsContext = { ...ctx, db };
    for (const job of await listActiveJobs(db, id)) {
      if (!isStalled(tx, job) && job.state === 'running') {
        throw new StageBusyError(
          `${job.stage} of ${id} is running: cancel it before deleting the episode`,
          await viewJob(tx, job),
        );
      }
      await abandon(tx, job, 'episode deleted', 'cancelled');
    }
    await deleteEpisode(db, id);
  });
  rmSync(episodeDir(ctx.config.data_dir, id), { recursive: true, force: true });
}
