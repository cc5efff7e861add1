/**
 * @module Server-side video paths of `POST /episodes`: accepted only when, resolved with its symlinks, the path is a
 * readable, non-empty file under one of `api.media_roots` whose content ffprobe reads as an allowed container
 * (`api.video_formats`). Every refusal gives the same message, so that a caller learns nothing about which server
 * paths exist (missing, outside the roots, a directory, unreadable, not a video: one answer).
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Config } from '../config/index.ts';
import { InputError } from '../errors.ts';
import { isAllowedContainer } from '../media/index.ts';

/** The one message of every refused `video_path`. */
export const REFUSED_VIDEO_PATH =
  'video_path is not a readable video file under the server media folders: upload the video instead ' +
  '(POST /episodes/{ep_id}/video), or ask an admin to add its folder to SCREENALYTICS_MEDIA_ROOTS';

const refused = (): InputError => new InputError(REFUSED_VIDEO_PATH, { code: 'VIDEO_UNREADABLE' });

async function realOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    // Missing or unreadable on the way: refused like any other path.
    return null;
  }
}

/**
 * @param config - `api.media_roots`, `api.video_formats`
 * @param path - the `video_path` of a request
 * @returns its real path (symlinks resolved), to register
 * @throws InputError (`VIDEO_UNREADABLE`, REFUSED_VIDEO_PATH) for any path that is not an allowed video under a root
 */
export async function checkMediaPath(config: Config, path: string): Promise<string> {
  const roots = (await Promise.all(config.api.media_roots.map(realOrNull))).filter(
    (r): r is string => r !== null,
  );
  const real = path.includes('\0') ? null : await realOrNull(path);
  if (real === null || !roots.some((root) => real === root || real.startsWith(root + sep))) {
    throw refused();
  }
  try {
    const info = await stat(real);
    await access(real, constants.R_OK);
    if (!info.isFile() || info.size === 0) {
      throw refused();
    }
  } catch {
    // stat/access failures (and the refusal above) all answer the same.
    throw refused();
  }
  if (!(await isAllowedContainer(real, config.api.video_formats))) {
    throw refused();
  }
  return real;
}
