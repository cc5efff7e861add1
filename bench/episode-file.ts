/**
 * @module The benchmark episode: the sitcom clip played `loops + 1` times in a row (`ffmpeg -stream_loop`, stream
 * copy, no re-encode), cached under the OS temp folder and reused by later runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';
import { resolveMediaTool } from '../src/media/index.ts';

const execFileAsync = promisify(execFile);

/** Folder under `os.tmpdir()` where looped episodes are kept between benchmark runs. */
export const EPISODE_CACHE_DIR = join(tmpdir(), 'screenalytics-bench');

/**
 * Returns the path of the clip repeated `loops + 1` times, making it on first use (written to a temporary name,
 * then renamed, so an interrupted run leaves no half-written episode behind).
 * @param clipPath - source clip (H.264 MP4)
 * @param loops - extra repetitions (`-stream_loop` value, 0 = the clip once)
 * @returns absolute path of the cached episode
 * @throws Error when ffmpeg fails (its stderr is in the message)
 */
export async function ensureEpisode(clipPath: string, loops: number): Promise<string> {
  const ext = extname(clipPath);
  const out = join(EPISODE_CACHE_DIR, `${basename(clipPath, ext)}-loop${loops}${ext}`);
  if (existsSync(out)) {
    return out;
  }
  mkdirSync(EPISODE_CACHE_DIR, { recursive: true });
  const partial = `${out}.partial${ext}`;
  try {
    const args = [
      '-hide_banner',
      '-v',
      'error',
      '-y',
      '-stream_loop',
      String(loops),
      '-i',
      clipPath,
    ];
    await execFileAsync(resolveMediaTool('ffmpeg'), [...args, '-c', 'copy', partial]);
    renameSync(partial, out);
  } finally {
    rmSync(partial, { force: true });
  }
  return out;
}
