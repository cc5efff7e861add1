/**
 * @module Decode a video into analysed frames: ffmpeg samples and scales, RGB24 lands in a pool of preallocated
 * buffers, and the stream pauses while the consumer is busy (backpressure).
 */
import { spawn } from 'node:child_process';
import { AppError, CancelledError, InputError } from '../errors.ts';
import type { Frame } from '../types.ts';
import {
  analysisSize,
  expectedFrameCount,
  ffmpegFrameCommand,
  type FrameDecodeOptions,
} from './frame-args.ts';
import { FramePool } from './frame-pool.ts';

/** Options of `readFrames`: what to decode, plus cancellation and buffering. */
export interface FrameReadOptions extends FrameDecodeOptions {
  /** Aborting kills ffmpeg and makes the iteration throw `CancelledError`. */
  signal?: AbortSignal;
  /** Frame buffers allocated up front; ffmpeg decodes up to this many frames ahead of the consumer. Default 4. */
  poolSize?: number;
  /**
   * Frames the consumer holds at once: a yielded frame's buffer stays valid until `holdFrames` more frames were
   * asked for. Default 1 (valid until the next one). The pool grows to at least `holdFrames + 1` buffers.
   */
  holdFrames?: number;
  /** Frame buffers on `SharedArrayBuffer`s, readable by worker threads without a copy. Default false. */
  sharedBuffers?: boolean;
}

interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const DEFAULT_POOL_SIZE = 4;
const STDERR_TAIL_CHARS = 2000;
/** Relative difference between decoded and expected frame counts above which the decode is refused. */
const COUNT_TOLERANCE = 0.05;
/** A `showinfo` frame line: `[Parsed_showinfo_4 @ 0x...] n:  12 pts:    48 pts_time:2 ...`; group 1 is the pts. */
const SHOWINFO_FRAME = /Parsed_showinfo.*\sn:\s*\d+\s+pts:\s*(-?\d+)\s/;

/** ffmpeg's stderr tail as one line. */
function oneLine(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' | ') || 'no message';
}

/**
 * Decodes a video into analysed frames, in source order: the k-th frame is source frame
 * `startFrameIdx + k * stride` (with `referenceOnly`: the first reference frame of each `stride`-wide bin, its
 * index as ffmpeg reports it), scaled per `analysisSize`, with `ts = frameIdx / probe.fps` seconds.
 *
 * Buffer contract: a yielded frame's `data` is a pooled buffer that stays valid only until the consumer asks for
 * the next frame (with `holdFrames` N: for N more frames); copy it to keep it longer. Leaving the loop early (`break`, `return`, a throw) kills ffmpeg and
 * waits for it to exit. A consumer that stops iterating without leaving the loop holds ffmpeg paused.
 * @param path - video file path
 * @param opts - what to decode, cancellation, pool size
 * @returns frames whose `data` is `widthPx * heightPx * 3` bytes of RGB24
 * @throws CancelledError when `opts.signal` aborts
 * @throws InputError `VIDEO_UNREADABLE` when ffmpeg exits with an error (message ends with its stderr tail), or
 *   the decoded frame count is off by more than 5 % from `expectedFrameCount` (with `referenceOnly`: the last
 *   frame is more than 5 % of the video before its end): a truncated or corrupted video
 * @throws AppError `INTERNAL` when ffmpeg cannot be started or is killed from outside
 */
export async function* readFrames(
  path: string,
  opts: FrameReadOptions,
): AsyncGenerator<Frame, void, undefined> {
  const { signal, probe, stride } = opts;
  const startFrameIdx = opts.startFrameIdx ?? 0;
  const referenceOnly = opts.referenceOnly === true;
  const cancelled = () => new CancelledError(`Decoding of "${path}" was cancelled`);
  if (signal?.aborted) {
    throw cancelled();
  }
  const { file, args } = await ffmpegFrameCommand(path, opts);
  const { widthPx, heightPx } = analysisSize(probe, opts.widthPx);
  const holdFrames = Math.max(1, opts.holdFrames ?? 1);
  const pool = new FramePool(
    widthPx * heightPx * 3,
    Math.max(opts.poolSize ?? DEFAULT_POOL_SIZE, holdFrames + 1),
    opts.sharedBuffers === true,
  );

  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exit: FfmpegExit | undefined;
  let spawnError: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  const closed = new Promise<void>((resolve) => {
    child.once('close', (code, sig) => {
      exit = { code, signal: sig };
      resolve();
      notify();
    });
  });
  child.once('error', (err) => {
    spawnError = err;
    notify();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!pool.write(chunk)) {
      child.stdout.pause();
    }
    notify();
  });
  // With referenceOnly, showinfo reports each kept frame's source frame index (its pts) on stderr, in order.
  const reportedIdx: number[] = [];
  let partialLine = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop() ?? '';
    const other = lines.filter((line) => {
      const shown = SHOWINFO_FRAME.exec(line);
      if (shown) {
        reportedIdx.push(Number(shown[1]));
      }
      return !line.includes('Parsed_showinfo');
    });
    if (other.length > 0) {
      stderr = (stderr + other.join('\n') + '\n').slice(-STDERR_TAIL_CHARS);
    }
    notify();
  });
  const onAbort = () => {
    child.kill('SIGKILL');
    notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  /** Buffers the consumer holds, oldest first. */
  const handedOut: Uint8Array[] = [];
  let emitted = 0;
  let lastIdx = startFrameIdx - 1;
  try {
    for (;;) {
      while (handedOut.length >= holdFrames) {
        if (pool.release(handedOut.shift()!)) {
          child.stdout.resume();
        }
      }
      let data = pool.take();
      while (
        data === undefined &&
        exit === undefined &&
        spawnError === undefined &&
        !signal?.aborted
      ) {
        await new Promise<void>((resolve) => (wake = resolve));
        data = pool.take();
      }
      if (signal?.aborted) {
        throw cancelled();
      }
      if (spawnError !== undefined) {
        const message = `Cannot start ffmpeg (${spawnError.message}); check the installation`;
        throw new AppError('INTERNAL', 500, message, { cause: spawnError });
      }
      if (data === undefined) {
        break;
      }
      handedOut.push(data);
      while (referenceOnly && reportedIdx.length <= emitted && exit === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const frameIdx = referenceOnly ? reportedIdx[emitted] : startFrameIdx + emitted * stride;
      if (frameIdx === undefined) {
        throw new AppError(
          'INTERNAL',
          500,
          `ffmpeg did not report the timestamp of analysed frame ${emitted} of "${path}"`,
        );
      }
      lastIdx = frameIdx;
      emitted += 1;
      yield { data, widthPx, heightPx, frameIdx, ts: frameIdx / probe.fps };
    }
    checkEnd(path, exit, stderr + partialLine, pool.partialBytes);
    checkCoverage(path, opts, emitted, lastIdx, stderr);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (exit === undefined && spawnError === undefined) {
      child.kill('SIGKILL');
      child.stdout.destroy();
      await closed;
    }
  }
}

/** Throws when ffmpeg failed or its output ends in the middle of a frame. */
function checkEnd(
  path: string,
  exit: FfmpegExit | undefined,
  stderr: string,
  partialBytes: number,
): void {
  if (exit?.signal) {
    throw new AppError(
      'INTERNAL',
      500,
      `ffmpeg decoding "${path}" was killed by ${exit.signal}; check memory limits`,
    );
  }
  if (exit?.code !== 0) {
    throw new InputError(
      `ffmpeg failed decoding "${path}" (exit ${exit?.code}): ${oneLine(stderr)}`,
      {
        code: 'VIDEO_UNREADABLE',
        cause: stderr,
      },
    );
  }
  if (partialBytes > 0) {
    throw truncated(path, `its last frame is cut short`, stderr);
  }
}

/**
 * Throws when the decode stopped short of the video's end: with stride sampling, more than 5 % off the expected
 * count; with `referenceOnly` (where the count depends on the stream's reference frames), a last frame more than
 * 5 % of the frames (at least 2 seconds) before the last source frame.
 */
function checkCoverage(
  path: string,
  opts: FrameReadOptions,
  emitted: number,
  lastIdx: number,
  stderr: string,
): void {
  const { probe, stride } = opts;
  const startFrameIdx = opts.startFrameIdx ?? 0;
  if (opts.referenceOnly) {
    const span = probe.frame_count - startFrameIdx;
    const slack = Math.max(2 * probe.fps, span * COUNT_TOLERANCE, stride);
    if (span > 0 && lastIdx < probe.frame_count - 1 - slack) {
      throw truncated(
        path,
        `the last analysed frame is ${lastIdx} of ${probe.frame_count}`,
        stderr,
      );
    }
    return;
  }
  const expected = expectedFrameCount(probe, stride, startFrameIdx);
  if (Math.abs(emitted - expected) > Math.max(1, expected * COUNT_TOLERANCE)) {
    throw truncated(
      path,
      `it decoded to ${emitted} analysed frames where ${expected} were expected`,
      stderr,
    );
  }
}

/** The error of a video that decodes to less than it should. */
function truncated(path: string, what: string, stderr: string): InputError {
  return new InputError(
    `Video "${path}" is truncated or corrupted (${what}); copy or download it again (${oneLine(stderr)})`,
    { code: 'VIDEO_UNREADABLE', cause: stderr },
  );
}
