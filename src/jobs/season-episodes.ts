/**
 * @module Registering many episodes of a season at once, from server paths or a multi-file upload. Every file is
 * probed and numbered first (a file that is not a readable video is skipped with its reason; two files with one
 * episode number refuse the whole request), and only then registered, each the way a single episode is
 * (episodes.ts): nothing is registered for a refused request.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.ts';
import {
  registerEpisode,
  sortSeasonFiles,
  type SeasonFile,
  type SkippedFile,
} from '../pipeline/index.ts';
import {
  deleteEpisode,
  getEpisode,
  makeEpisodeId,
  slugify,
  upsertEpisode,
} from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { saveUploadedVideo } from './episodes.ts';
import { checkMediaPath, REFUSED_VIDEO_PATH } from './media-path.ts';
import { requireFreeSpace, sizeLimit, tooLarge } from './video-upload.ts';

/** Answer of a season registration. */
export interface SeasonRegistration {
  /** Registered episodes, by episode number: id, number, and the file (name as given). */
  items: { ep_id: string; episode: number; file: string }[];
  /** Files that are not readable videos, with the reason. */
  skipped: SkippedFile[];
}

/** One uploaded file, as the multipart parser hands it over. */
export interface UploadedFile {
  /** The client's file name (numbered by it; only its extension is kept on disk). */
  filename: string;
  /** The bytes. */
  file: Readable;
}

function showIdOf(show: string): string {
  const showId = slugify(show);
  if (showId === '') {
    throw new InputError(`Invalid show ${JSON.stringify(show)}: it needs a letter or digit`);
  }
  return showId;
}

function idsOf(showId: string, season: number, files: SeasonFile[]): string[] {
  return files.map((f) => makeEpisodeId(showId, season, f.episode));
}

/**
 * Registers the season's episodes from video files on the server.
 * @param ctx - jobs context
 * @param show - show id or name (slugified into the ids)
 * @param season - season number, 0..99
 * @param paths - video files on the server
 * @returns the registered episodes and the skipped files
 * @throws InputError (`INPUT_INVALID`) for a bad show or season, no file, no readable video, or two files with one
 *   episode number (naming both); InputError (`VIDEO_UNREADABLE`, one message for every refused path) when no path
 *   is a video under `api.media_roots` (refused ones among good ones are listed as skipped); nothing is registered
 *   then
 */
export async function registerSeasonPaths(
  ctx: JobsContext,
  show: string,
  season: number,
  paths: readonly string[],
): Promise<SeasonRegistration> {
  const showId = showIdOf(show);
  // Only videos under the media roots (as POST /episodes): any other path is skipped with the one message.
  const refused: SkippedFile[] = [];
  const allowed: { path: string; name: string }[] = [];
  for (const path of paths) {
    try {
      allowed.push({ path: await checkMediaPath(ctx.config, path), name: basename(path) });
    } catch (err) {
      if (!(err instanceof InputError)) {
        throw err;
      }
      refused.push({ file: basename(path), reason: REFUSED_VIDEO_PATH });
    }
  }
  if (allowed.length === 0) {
    throw new InputError(REFUSED_VIDEO_PATH, { code: 'VIDEO_UNREADABLE' });
  }
  const sorted = await sortSeasonFiles(allowed);
  const { episodes } = sorted;
  const skipped = [...refused, ...sorted.skipped];
  const ids = idsOf(showId, season, episodes);
  const items = [];
  for (const [i, file] of episodes.entries()) {
    await registerEpisode(ctx.config.data_dir, ctx.db, file.path, { epId: ids[i] });
    items.push({ ep_id: ids[i]!, episode: file.episode, file: file.name });
  }
  return { items, skipped };
}

/**
 * Registers the season's episodes from uploaded files: each is written to a staging folder under the data
 * directory, all are probed and numbered, then each readable one is stored as its episode's video (as
 * `POST /episodes/{ep_id}/video` stores it). The staging folder is removed in every case.
 * @param ctx - jobs context
 * @param show - show id or name
 * @param season - season number, 0..99
 * @param files - the uploaded files, consumed one after another
 * @returns the registered episodes and the skipped files
 * @throws InputError as {@link registerSeasonPaths}, and when the upload holds no file; AppError 413 when a file
 *   passes `api.upload_max_bytes`, 507 when the data directory's disk has less than `api.upload_min_free_bytes` free
 */
export async function registerSeasonUploads(
  ctx: JobsContext,
  show: string,
  season: number,
  files: AsyncIterable<UploadedFile>,
): Promise<SeasonRegistration> {
  const showId = showIdOf(show);
  const staging = join(ctx.config.data_dir, 'uploads', `season-${randomUUID()}`);
  mkdirSync(staging, { recursive: true });
  try {
    const staged: { path: string; name: string }[] = [];
    const { upload_max_bytes: limit, upload_min_free_bytes: headroom } = ctx.config.api;
    for await (const part of files) {
      const path = join(staging, `part-${staged.length}`);
      await requireFreeSpace(staging, headroom);
      // The multipart parser stops passing bytes at its limit but reads the rest of the part: fail at once.
      part.file.once('limit', () => part.file.destroy(tooLarge(limit, part.filename)));
      await pipeline(part.file, sizeLimit(limit), createWriteStream(path, { flags: 'wx' }));
      staged.push({ path, name: part.filename });
    }
    if (staged.length === 0) {
      throw new InputError(
        'No file in the upload: send the videos as multipart/form-data file fields',
      );
    }
    const { episodes, skipped } = await sortSeasonFiles(staged);
    const ids = idsOf(showId, season, episodes);
    const items = [];
    for (const [i, file] of episodes.entries()) {
      const epId = ids[i]!;
      const existed = (await getEpisode(ctx.db, epId)) !== null;
      await upsertEpisode(ctx.db, { ep_id: epId });
      try {
        await saveUploadedVideo(ctx, epId, file.name, createReadStream(file.path));
      } catch (err) {
        if (!existed) {
          await deleteEpisode(ctx.db, epId);
        }
        throw err;
      }
      items.push({ ep_id: epId, episode: file.episode, file: file.name });
    }
    return { items, skipped };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
