/**
 * @module What the installed ffmpeg supports, asked once per executable: the option that passes frames through
 * without duplicating or dropping them (`-fps_mode passthrough` in ffmpeg 5.1 and later, `-vsync passthrough` in
 * older builds such as the npm fallback binary), and whether `showinfo` can skip its per-frame checksums.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Version-dependent ffmpeg arguments. */
export interface FfmpegFeatures {
  /**
   * Two output options that make ffmpeg write every frame leaving the filter graph exactly once. Without them the
   * `rawvideo` muxer runs in constant-frame-rate mode and fills the gaps left by `select` with duplicates.
   */
  passthrough: string[];
  /** The `showinfo` filter as used to report each frame's timestamp: `showinfo=checksum=0` where supported. */
  showinfo: string;
}

const cache = new Map<string, Promise<FfmpegFeatures>>();

async function detect(ffmpegPath: string): Promise<FfmpegFeatures> {
  const [options, showinfo] = await Promise.all([
    execFileAsync(ffmpegPath, ['-hide_banner', '-h', 'long']),
    execFileAsync(ffmpegPath, ['-hide_banner', '-h', 'filter=showinfo']),
  ]);
  return {
    passthrough: /^-fps_mode\b/m.test(options.stdout)
      ? ['-fps_mode', 'passthrough']
      : ['-vsync', 'passthrough'],
    showinfo: /^\s*checksum\b/m.test(showinfo.stdout) ? 'showinfo=checksum=0' : 'showinfo',
  };
}

/**
 * The features of an ffmpeg executable. Asks the binary once (`-h long` and `-h filter=showinfo`, a few
 * milliseconds) and caches the answer per path; a failed lookup is not cached, so a later call can retry.
 * @param ffmpegPath - the ffmpeg executable (see `resolveMediaTool`)
 * @throws Error (from `execFile`) when the executable cannot be run
 */
export function ffmpegFeatures(ffmpegPath: string): Promise<FfmpegFeatures> {
  let features = cache.get(ffmpegPath);
  if (features === undefined) {
    features = detect(ffmpegPath);
    cache.set(ffmpegPath, features);
    features.catch(() => cache.delete(ffmpegPath));
  }
  return features;
}
