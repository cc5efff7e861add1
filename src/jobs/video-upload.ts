/**
 * @module Storing an uploaded episode video so that a failed upload changes nothing: refused with 409 while a stage
 * job of the episode is alive, 413 as soon as the declared or streamed size passes `api.upload_max_bytes`, 507
 * when the disk lacks the room (checked with statfs before writing, and on ENOSPC); the bytes go to a temporary
 * file beside the current video, which replaces it only once ffprobe reads it as an allowed container and
 * decodes it. Until then the episode's video and `source.json` stay byte-identical.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, InputError } from '../errors.ts';
import { isAllowedContainer, probeVideo } from '../media/index.ts';
import { registerEpisode } from '../pipeline/index.ts';
import { episodeDir, listActiveJobs, parseEpisodeId } from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { StageBusyError } from './errors.ts';
import { viewJob } from './job-view.ts';
import { isStalled } from './stall.ts';

/** What the HTTP layer knows about an upload besides its bytes. */
export interface UploadInfo {
  /** The request's Content-Length in bytes (the whole multipart body), when given. */
  declaredBytes?: number;
  /** True when the multipart parser cut the file at its own limit. */
  truncated?: () => boolean;
}

/**
 * @throws StageBusyError (409) while a stage job of the episode is queued or running (not stalled)
 */
export async function refuseWhileJobRuns(
  ctx: JobsContext,
  epId: string,
  what: string,
): Promise<void> {
  for (const job of await listActiveJobs(ctx.db, parseEpisodeId(epId))) {
    if (!isStalled(ctx, job)) {
      throw new StageBusyError(
        `${job.stage} of ${epId} is ${job.state}: wait for it or cancel it before ${what}`,
        await viewJob(ctx, job),
      );
    }
  }
}

/** @returns a 413 naming the limit */
export function tooLarge(limitBytes: number, what = 'The upload'): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    413,
    `${what} is larger than the limit of ${limitBytes} bytes: send a smaller file`,
  );
}

/** @returns a 507 saying the disk of the data directory is full */
export function noSpace(detail: string): AppError {
  return new AppError(
    'INSUFFICIENT_STORAGE',
    507,
    `Not enough free disk space in the data directory (${detail}): free some space, then try again`,
  );
}

/**
 * @param dir - a folder on the disk to check
 * @param neededBytes - bytes about to be written plus the headroom to keep
 * @throws AppError 507 when fewer bytes are free (for an unprivileged user)
 */
export async function requireFreeSpace(dir: string, neededBytes: number): Promise<void> {
  const fs = await statfs(dir);
  const freeBytes = fs.bavail * fs.bsize;
  if (freeBytes < neededBytes) {
    throw noSpace(`${freeBytes} bytes free, ${neededBytes} needed`);
  }
}

/**
 * @param limitBytes - most bytes allowed through
 * @returns a pass-through stream that fails with 413 once more than `limitBytes` went through it
 */
export function sizeLimit(limitBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > limitBytes ? tooLarge(limitBytes) : null, chunk);
    },
  });
}

/**
 * Stores an uploaded video under `episodes/{ep_id}/video/source{.ext}` and registers it (see the module comment).
 * @param ctx - jobs context (`api.upload_max_bytes`, `api.upload_min_free_bytes`, `api.video_formats`)
 * @param epId - a registered episode (the caller checks)
 * @param filename - the client's file name (only its extension is kept)
 * @param body - the file's bytes
 * @param info - declared size, truncation flag of the parser
 * @throws StageBusyError 409; AppError 413 or 507; InputError (`VIDEO_UNREADABLE`) when it is not a video
 */
export async function storeUploadedVideo(
  ctx: JobsContext,
  epId: string,
  filename: string,
  body: Readable,
  info: UploadInfo = {},
): Promise<void> {
  const { upload_max_bytes: limit, upload_min_free_bytes: headroom } = ctx.config.api;
  await refuseWhileJobRuns(ctx, epId, 'changing its video');
  if (info.declaredBytes !== undefined && info.declaredBytes > limit + 64 * 1024) {
    body.resume();
    throw tooLarge(limit);
  }
  const ext = /^\.[a-z0-9]{1,5}$/.test(extname(filename).toLowerCase())
    ? extname(filename).toLowerCase()
    : '.bin';
  const dir = join(episodeDir(ctx.config.data_dir, epId), 'video');
  mkdirSync(dir, { recursive: true });
  await requireFreeSpace(dir, (info.declaredBytes ?? 0) + headroom);
  const tmp = join(dir, `.upload-${randomUUID()}${ext}`);
  // The multipart parser stops passing bytes at its limit but reads the rest of the part: fail at once instead.
  body.once('limit', () => body.destroy(tooLarge(limit)));
  try {
    // Opened here, not lazily by the stream: a stream destroyed before its open completes would create the file
    // after the cleanup below has run.
    await pipeline(body, sizeLimit(limit), createWriteStream('', { fd: openSync(tmp, 'wx') }));
    if (info.truncated?.()) {
      throw tooLarge(limit);
    }
    if (!(await isAllowedContainer(tmp, ctx.config.api.video_formats))) {
      throw new InputError(
        'The upload is not a video in a known container (MP4, MOV, MKV, WebM, MPEG-TS, AVI...): send the video file',
        { code: 'VIDEO_UNREADABLE' },
      );
    }
    await probeVideo(tmp);
    await refuseWhileJobRuns(ctx, epId, 'changing its video');
    const path = join(dir, `source${ext}`);
    renameSync(tmp, path);
    for (const old of readdirSync(dir)) {
      if (old.startsWith('source') && join(dir, old) !== path) {
        rmSync(join(dir, old), { force: true });
      }
    }
    await registerEpisode(ctx.config.data_dir, ctx.db, path, { epId });
  } catch (err) {
    body.resume();
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw noSpace('the disk filled up while writing the upload');
    }
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}
