/**
 * @module The ffmpeg command that samples and scales a video's frames to raw RGB24: its arguments, output size and
 * frame count, shared by `readFrames` and the benchmark floor (the same decode written to /dev/null).
 */
import { InputError } from '../errors.ts';
import { resolveMediaTool } from './ffmpeg-path.ts';
import { ffmpegFeatures, type FfmpegFeatures } from './ffmpeg-features.ts';
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
  /** ffmpeg decoder threads (`-threads`; 1 with `referenceOnly`); default: `profile.cpu_threads`. */
  threads: number;
  /**
   * Decode only reference frames (`-skip_frame noref`: most B-frames are never decoded, about half the decoding
   * CPU on H.264 with B-frames) and keep the first of them in each bin of `stride` source frames, so analysed
   * frames are 1 to about 2 strides apart instead of exactly one. Default false; `profile.reference_frames_only`.
   */
  referenceOnly?: boolean;
  /**
   * First source frame index to emit (resume). Default 0. A multiple of `stride`, except with `referenceOnly`
   * where any index is allowed (the frame a checkpoint stopped at).
   */
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
 * `probe.frame_count`; with `referenceOnly`, the most it emits (one per bin; fewer where a bin holds no
 * reference frame).
 * @param probe - the video's probe
 * @param stride - analyse every `stride`-th source frame
 * @param startFrameIdx - first source frame index emitted
 * @returns count of analysed frames
 */
export function expectedFrameCount(probe: VideoProbe, stride: number, startFrameIdx = 0): number {
  return Math.max(0, Math.ceil((probe.frame_count - startFrameIdx) / stride));
}

/**
 * ffmpeg arguments (without the executable) that decode the first video stream, sample it, scale the kept frames
 * inside the filter graph, and write packed RGB24 frames back to back. Rotation metadata is ignored so frames keep
 * the coded orientation of `probe.width_px` x `probe.height_px`.
 *
 * Sampling: by default source frames `n >= startFrameIdx` with `n mod stride = 0` (`select` on the decoded frame
 * number; every frame before the start is decoded too). With `referenceOnly`, non-reference frames are skipped
 * by the decoder; `settb`/`setpts` put the timestamps on the source frame grid (time base 1/fps, first frame 0),
 * so a frame's pts is its source frame index, `select` keeps the first decoded frame of each `stride`-wide bin of
 * indices at or after `startFrameIdx`, and `showinfo` prints each kept frame's pts on stderr (log level info),
 * where `readFrames` takes the frame indices from.
 * @param path - video file path
 * @param opts - what to decode
 * @param features - the ffmpeg build's options (`ffmpegFeatures`)
 * @param output - ffmpeg output; default `pipe:1` (stdout)
 * @returns the argument array
 * @throws InputError `INPUT_INVALID` when `stride` is not a positive integer, or `startFrameIdx` is negative or,
 *   without `referenceOnly`, not a multiple of `stride`
 */
export function ffmpegFrameArgs(
  path: string,
  opts: FrameDecodeOptions,
  features: FfmpegFeatures,
  output = 'pipe:1',
): string[] {
  const { probe, stride, threads } = opts;
  const referenceOnly = opts.referenceOnly === true;
  const startFrameIdx = opts.startFrameIdx ?? 0;
  if (
    !Number.isInteger(stride) ||
    stride < 1 ||
    !Number.isInteger(startFrameIdx) ||
    startFrameIdx < 0 ||
    (!referenceOnly && startFrameIdx % stride !== 0)
  ) {
    throw new InputError(
      `stride ${stride} / startFrameIdx ${startFrameIdx}: stride must be >= 1 and divide startFrameIdx`,
    );
  }
  const filters: string[] = [];
  if (referenceOnly) {
    const bin = (pts: string) => `floor(${pts}/${stride})`;
    filters.push(
      `settb=expr=1/${probe.fps}`,
      'setpts=PTS-STARTPTS',
      `select=gte(pts\\,${startFrameIdx})*(isnan(prev_selected_pts)+gt(${bin('pts')}\\,${bin('prev_selected_pts')}))`,
    );
  } else {
    const keep = `not(mod(n\\,${stride}))`;
    if (startFrameIdx > 0) {
      filters.push(`select=gte(n\\,${startFrameIdx})*${keep}`);
    } else if (stride > 1) {
      filters.push(`select=${keep}`);
    }
  }
  const size = analysisSize(probe, opts.widthPx);
  if (size.widthPx !== probe.width_px) {
    filters.push(`scale=${size.widthPx}:${size.heightPx}:flags=fast_bilinear`);
  }
  if (referenceOnly) {
    filters.push(features.showinfo);
  }
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-y'],
    ...['-v', referenceOnly ? 'info' : 'error'],
    // Frame threading costs more than it gives when only reference frames are decoded (4-min episode: 5.3 CPU-s
    // and 4.6 s with 2 threads, 4.3 CPU-s and 3.9 s with 1).
    ...['-noautorotate', '-threads', String(referenceOnly ? 1 : threads)],
    ...(referenceOnly ? ['-skip_frame', 'noref'] : []),
    ...['-i', path],
    ...['-map', '0:V:0', '-an', '-sn', '-dn'],
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    ...features.passthrough,
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
  return { file, args: ffmpegFrameArgs(path, opts, await ffmpegFeatures(file), output) };
}
