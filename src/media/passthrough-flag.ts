/**
 * @module The ffmpeg option that passes frames through without duplicating or dropping them: `-fps_mode passthrough`
 * (ffmpeg 5.1 and later; `-vsync` is gone in 9) or `-vsync passthrough` (older builds, such as the npm fallback binary).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const cache = new Map<string, Promise<string[]>>();

async function detect(ffmpegPath: string): Promise<string[]> {
  const { stdout } = await execFileAsync(ffmpegPath, ['-hide_banner', '-h', 'long']);
  return /^-fps_mode\b/m.test(stdout) ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

/**
 * Output options that make ffmpeg write every frame leaving the filter graph exactly once. Without them the
 * `rawvideo` muxer runs in constant-frame-rate mode and fills the gaps left by `select` with duplicates.
 * Asks the binary once (`-h long`, a few milliseconds) and caches the answer per path.
 * @param ffmpegPath - the ffmpeg executable (see `resolveMediaTool`)
 * @returns two arguments to put before the output
 */
export function passthroughArgs(ffmpegPath: string): Promise<string[]> {
  let flag = cache.get(ffmpegPath);
  if (flag === undefined) {
    flag = detect(ffmpegPath);
    cache.set(ffmpegPath, flag);
    // A failed lookup is not cached, so a later call can retry; the caller still sees the rejection.
    flag.catch(() => cache.delete(ffmpegPath));
  }
  return flag;
}
