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
}

interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const DEFAULT_POOL_SIZE = 4;
const STDERR_TAIL_CHARS = 2000;
/** Relative difference between decoded and expected frame counts above which the decode is refused. */
const COUNT_TOLERANCE = 0.05;

/** ffmpeg's stderr tail as one line. */
function oneLine(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' | ') || 'no message';
}

/**
 * Decodes a video into analysed frames, in source order: the k-th frame is source frame
 * `startFrameIdx + k * stride`, scaled per `analysisSize`, with `ts = frameIdx / probe.fps` seconds.
 *
 * Buffer contract: a yielded frame's `data` is a pooled buffer that stays valid only until the consumer asks for
 * the next frame; copy it to keep it longer. Leaving the loop early (`break`, `return`, a throw) kills ffmpeg and
 * waits for it to exit. A consumer that stops iterating without leaving the loop holds ffmpeg paused.
 * @param path - video file path
 * @param opts - what to decode, cancellation, pool size
 * @returns frames whose `data` is `widthPx * heightPx * 3` bytes of RGB24
 * @throws CancelledError when `opts.signal` aborts
 * @throws InputError `VIDEO_UNREADABLE` when ffmpeg exits with an error (message ends with its stderr tail), or
 *   the decoded frame count is off by more than 5 % from `expectedFrameCount` (truncated or corrupted video)
 * @throws AppError `INTERNAL` when ffmpeg cannot be started or is killed from outside
 */
export async function* readFrames(
  path: string,
  opts: FrameReadOptions,
): AsyncGenerator<Frame, void, undefined> {
  const { signal, probe, stride } = opts;
  const startFrameIdx = opts.startFrameIdx ?? 0;
  const cancelled = () => new CancelledError(`Decoding of "${path}" was cancelled`);
  if (signal?.aborted) {
    throw cancelled();
  }
  const { file, args } = await ffmpegFrameCommand(path, opts);
  const { widthPx, heightPx } = analysisSize(probe, opts.widthPx);
  const pool = new FramePool(widthPx * heightPx * 3, opts.poolSize ?? DEFAULT_POOL_SIZE);

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
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
  });
  const onAbort = () => {
    child.kill('SIGKILL');
    notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  let handedOut: Uint8Array | undefined;
  let emitted = 0;
  try {
    for (;;) {
      if (handedOut !== undefined && pool.release(handedOut)) {
        child.stdout.resume();
      }
      handedOut = undefined;
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
      handedOut = data;
      const frameIdx = startFrameIdx + emitted * stride;
      emitted += 1;
      yield { data, widthPx, heightPx, frameIdx, ts: frameIdx / probe.fps };
    }
    checkEnd(
      path,
      exit,
      stderr,
      pool.partialBytes,
      emitted,
      expectedFrameCount(probe, stride, startFrameIdx),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (exit === undefined && spawnError === undefined) {
      child.kill('SIGKILL');
      child.stdout.destroy();
      await closed;
    }
  }
}

/** Throws when ffmpeg failed or the output is cut short or off in count. */
function checkEnd(
  path: string,
  exit: FfmpegExit | undefined,
  stderr: string,
  partialBytes: number,
  emitted: number,
  expected: number,
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
  if (partialBytes > 0 || Math.abs(emitted - expected) > Math.max(1, expected * COUNT_TOLERANCE)) {
    throw new InputError(
      `Video "${path}" decoded to ${emitted} analysed frames where ${expected} were expected: truncated or ` +
        `corrupted; copy or download it again (${oneLine(stderr)})`,
      { code: 'VIDEO_UNREADABLE', cause: stderr },
    );
  }
}
