/**
 * @module Test inputs made with ffmpeg in a temp folder: clips joined with the concat demuxer, still frames,
 * and a synthetic test pattern.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveMediaTool } from '../../src/media/index.ts';

const run = promisify(execFile);

/**
 * Runs ffmpeg quietly (`-v error -y`), one thread, and fails with its stderr.
 * @param args - arguments after the global options
 */
export async function ffmpeg(args: readonly string[]): Promise<void> {
  await run(resolveMediaTool('ffmpeg'), ['-v', 'error', '-y', '-threads', '1', ...args]);
}

/** Output options of every H.264 encode here: libx264 `ultrafast`, yuv420p. */
export const H264_FAST = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-pix_fmt',
  'yuv420p',
] as const;

/**
 * A filter that scales to `widthPx` x `heightPx` (letterboxed, aspect kept), square pixels, at `fps`.
 * @returns the `-vf` filter text
 */
export function fitFilter(widthPx: number, heightPx: number, fps: number): string {
  const [w, h] = [widthPx, heightPx];
  return `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps}`;
}

/** How {@link concatClips} joins clips. */
export type ConcatMode =
  { kind: 'copy' } | { kind: 'reencode'; widthPx: number; heightPx: number; fps: number };

/**
 * Joins clips one after another with ffmpeg's concat demuxer. `copy` keeps the streams as they are (the clips
 * must share codec, size and parameters); `reencode` scales each to the given size (letterboxed, aspect kept)
 * and frame rate first, with libx264 `ultrafast`, then joins those.
 * @param inputs - video files, in order
 * @param out - the joined `.mp4`
 * @param mode - copy, or re-encode to a common size in pixels and frame rate
 * @param workDir - folder for the list file and the re-encoded parts
 */
export async function concatClips(
  inputs: readonly string[],
  out: string,
  mode: ConcatMode,
  workDir: string,
): Promise<void> {
  let parts = [...inputs];
  if (mode.kind === 'reencode') {
    const scale = fitFilter(mode.widthPx, mode.heightPx, mode.fps);
    parts = inputs.map((_, i) => join(workDir, `part-${i}.mp4`));
    for (const [i, input] of inputs.entries()) {
      await ffmpeg(['-i', input, '-an', '-vf', scale, ...H264_FAST, parts[i]!]);
    }
  }
  const list = join(workDir, 'concat.txt');
  await writeFile(list, parts.map((p) => `file '${p.replaceAll("'", "'\\''")}'\n`).join(''));
  await ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-an', '-c', 'copy', out]);
}

/**
 * Writes one decoded frame of a video as PNG.
 * @param video - the video
 * @param atS - time of the frame in seconds
 * @param out - the `.png` path
 */
export async function extractFrame(video: string, atS: number, out: string): Promise<void> {
  await ffmpeg(['-ss', String(atS), '-i', video, '-frames:v', '1', out]);
}

/**
 * Encodes ffmpeg's `testsrc` pattern (colour bars and a counter, no face) as H.264.
 * @param out - the `.mp4` path
 * @param durationS - length in seconds
 */
export async function makeTestPattern(out: string, durationS: number): Promise<void> {
  const src = `testsrc=duration=${durationS}:size=320x240:rate=25`;
  await ffmpeg(['-f', 'lavfi', '-i', src, ...H264_FAST, out]);
}
