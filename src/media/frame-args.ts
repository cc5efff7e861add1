/**
 * @module The ffmpeg command that samples and scales a video's frames to raw RGB24: its arguments, output size and
 * frame count, shared by `readFrames` and the benchmark floor (the same decode written to /dev/null).
 */
import { InputError } from '../errors.ts';
import { resolveMediaTool } from './ffmpeg-path.ts';
import { passthroughArgs } from './passthrough-flag.ts';
import type { VideoProbe } from './probe.ts';

/**
 * Frames ffmpeg may hold decoded ahead of a busy reader (its `fifo` muxer queue): about 0.7 MB each at 640 x 360.
 * Without it ffmpeg blocks on the 64 KB pipe whenever the reader runs a model.
 */
const FIFO_QUEUE_FRAMES = 16;

/** What to decode: which source frames, at what size, with how many threads. */
export interface FrameDecodeOptions {
  /** The video's probe (`probeVideo`). */
  probe: VideoProbe;
  /** Analyse every `stride`-th source frame (1 = all); default: `profile.stride`. */
  stride: number;
  /** Width in pixels to scale to, aspect kept; 0 or at least the source width = no scaling; default: `profile.analysis_width_px`. */
  widthPx: number;
  /** ffmpeg decoder threads (`-threads`); default: `profile.cpu_threads`. */
  threads: number;
  /** First source frame index to emit (resume); a multiple of `stride`. Default 0. */
  startFrameIdx?: number;
}

/**
 * Size of the analysed frames: the source size, or `widthPx` wide with the height that keeps the storage aspect
 * ratio, rounded to an even number. A box in analysed pixels maps back to source pixels by `source_width / widthPx`.
 * @param probe - the video's probe
 * @param widthPx - requested width in pixels; 0 or at least the source width keeps the source size (never upscales)
 * @returns width and height in pixels
 */
export function analysisSize(
  probe: VideoProbe,
  widthPx: number,
): { widthPx: number; heightPx: number } {
  if (widthPx <= 0 || widthPx >= probe.width_px) {
    return { widthPx: probe.width_px, heightPx: probe.height_px };
  }
  const heightPx = Math.max(2, Math.round((probe.height_px * widthPx) / probe.width_px / 2) * 2);
  return { widthPx, heightPx };
}

/**
 * Number of frames the decode emits: source frames `startFrameIdx, startFrameIdx + stride, ...` below
 * `probe.frame_count`.
 * @param probe - the video's probe
 * @param stride - analyse every `stride`-th source frame
 * @param startFrameIdx - first source frame index emitted
 * @returns count of analysed frames
 */
export function expectedFrameCount(probe: VideoProbe, stride: number, startFrameIdx = 0): number {
  return Math.max(0, Math.ceil((probe.frame_count - startFrameIdx) / stride));
}

/**
 * ffmpeg arguments (without the executable) that decode the first video stream, keep source frames
 * `n >= startFrameIdx` with `n mod stride = 0` (`select`, accurate: every frame before the start is decoded too),
 * scale them inside the filter graph, and write packed RGB24 frames back to back. Rotation metadata is ignored so
 * frames keep the coded orientation of `probe.width_px` x `probe.height_px`.
 * @param path - video file path
 * @param opts - what to decode
 * @param passthrough - output options that keep every selected frame exactly once (`passthroughArgs`)
 * @param output - ffmpeg output; default `pipe:1` (stdout)
 * @returns the argument array
 * @throws InputError `INPUT_INVALID` when `stride` is not a positive integer or `startFrameIdx` not a multiple of it
 */
export function ffmpegFrameArgs(
  path: string,
  opts: FrameDecodeOptions,
  passthrough: string[],
  output = 'pipe:1',
): string[] {
  const { probe, stride, threads } = opts;
  const startFrameIdx = opts.startFrameIdx ?? 0;
  if (
    !Number.isInteger(stride) ||
    stride < 1 ||
    !Number.isInteger(startFrameIdx) ||
    startFrameIdx % stride !== 0
  ) {
    throw new InputError(
      `stride ${stride} / startFrameIdx ${startFrameIdx}: stride must be >= 1 and divide startFrameIdx`,
    );
  }
  const filters: string[] = [];
  const keep = `not(mod(n\\,${stride}))`;
  if (startFrameIdx > 0) {
    filters.push(`select=gte(n\\,${startFrameIdx})*${keep}`);
  } else if (stride > 1) {
    filters.push(`select=${keep}`);
  }
  const size = analysisSize(probe, opts.widthPx);
  if (size.widthPx !== probe.width_px) {
    filters.push(`scale=${size.widthPx}:${size.heightPx}:flags=fast_bilinear`);
  }
  return [
    ...[
      '-hide_banner',
      '-nostdin',
      '-y',
      '-v',
      'error',
      '-noautorotate',
      '-threads',
      String(threads),
      '-i',
      path,
    ],
    ...['-map', '0:V:0', '-an', '-sn', '-dn'],
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    ...passthrough,
    ...['-c:v', 'rawvideo', '-pix_fmt', 'rgb24'],
    // The fifo muxer writes from its own thread, so decoding runs ahead while the reader is busy.
    ...['-f', 'fifo', '-fifo_format', 'rawvideo', '-queue_size', String(FIFO_QUEUE_FRAMES), output],
  ];
}

/**
 * The resolved ffmpeg executable and `ffmpegFrameArgs` for it.
 * @param path - video file path
 * @param opts - what to decode
 * @param output - ffmpeg output; default `pipe:1` (a benchmark passes `/dev/null` for the decode-only floor)
 * @returns `file` to spawn with `args`
 * @throws AppError `INTERNAL` when ffmpeg is not installed; InputError as `ffmpegFrameArgs`
 */
export async function ffmpegFrameCommand(
  path: string,
  opts: FrameDecodeOptions,
  output = 'pipe:1',
): Promise<{ file: string; args: string[] }> {
  const file = resolveMediaTool('ffmpeg');
  return { file, args: ffmpegFrameArgs(path, opts, await passthroughArgs(file), output) };
}
