/**
 * @module Probe a video file with ffprobe and check that ffmpeg can decode it from start to end.
 */
import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { resolveMediaTool } from './ffmpeg-path.ts';

/** What the pipeline needs to know about a video (stored in `source.json`). */
export interface VideoProbe {
  /** The probed file, as given. */
  path: string;
  /** File size in bytes. */
  size_bytes: number;
  /** Frames per second of the first video stream (average rate, else the base rate). */
  fps: number;
  /** Number of frames of the video stream (container count, else `round(duration_s * fps)`). */
  frame_count: number;
  /** Duration of the video stream in seconds (else of the container). */
  duration_s: number;
  /** Width of the coded picture in pixels. */
  width_px: number;
  /** Height of the coded picture in pixels. */
  height_px: number;
  /** ffmpeg codec name (e.g. `h264`). */
  codec: string;
  /** ffmpeg pixel format (e.g. `yuv420p`). */
  pix_fmt: string;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { DURATION?: string };
}

interface ToolResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a tool with an argument array (no shell); resolves whatever the exit status. */
function runTool(file: string, args: string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: err === null, stdout, stderr: stderr || (err?.message ?? '') });
    });
  });
}

/** Last line of ffmpeg's stderr, without the `<input path>: ` prefix it often starts with. */
function lastLine(text: string, path: string): string {
  const line = text.trim().split('\n').at(-1)?.trim() ?? '';
  return line.startsWith(`${path}: `) ? line.slice(path.length + 2) : line;
}

/** Frames per second from `"30000/1001"` (29.97); 0 when absent or `0/0`. */
function parseRate(rate: string | undefined): number {
  const [num, den] = (rate ?? '').split('/').map(Number);
  return num !== undefined && den !== undefined && num > 0 && den > 0 ? num / den : 0;
}

/** Seconds from `"30.6"` or a Matroska tag `"00:00:30.600000000"`; 0 when absent. */
function parseSeconds(value: string | undefined): number {
  const parts = (value ?? '').split(':').map(Number);
  const s = parts.reduce((acc, part) => acc * 60 + part, 0);
  return Number.isFinite(s) && s > 0 ? s : 0;
}

async function startsLikeMp4(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(8), 0, 8, 0);
    return bytesRead === 8 && buffer.toString('latin1', 4, 8) === 'ftyp';
  } finally {
    await file.close();
  }
}

/** Decodes one video frame at `seekS` seconds (0: the first); `ok` only when a frame came out. */
async function decodesFrameAt(path: string, seekS: number): Promise<ToolResult> {
  const seek = seekS > 0 ? ['-ss', seekS.toFixed(3)] : [];
  const args = ['-hide_banner', '-nostdin', '-v', 'error', ...seek, '-i', path];
  const res = await runTool(resolveMediaTool('ffmpeg'), [
    ...args,
    '-map',
    '0:V:0',
    '-frames:v',
    '1',
    '-f',
    'framecrc',
    'pipe:1',
  ]);
  const frameOut = res.stdout.split('\n').some((line) => line !== '' && !line.startsWith('#'));
  return { ...res, ok: res.ok && frameOut };
}

async function checkFile(path: string, fail: (reason: string) => InputError): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    throw fail('file not found; check the path');
  }
  if (info.isDirectory()) {
    throw fail('it is a directory; give a video file');
  }
  if (info.size === 0) {
    throw fail('the file is empty (0 bytes); copy or download it again');
  }
  return info.size;
}

/**
 * Reads a video's stream facts with ffprobe, then decodes its first frame and a frame one second before its end,
 * so that an undecodable codec or a truncated file is refused here rather than half-way through a stage.
 * @param path - video file path
 * @returns the first video stream's facts (an attached cover picture is not a video stream)
 * @throws InputError `VIDEO_UNREADABLE`, one line naming the file and the reason: not found, a directory, empty,
 *   not a video file, truncated or corrupted, no video stream, unsupported codec, no frame rate or duration
 */
export async function probeVideo(path: string): Promise<VideoProbe> {
  const fail = (reason: string, cause?: string) =>
    new InputError(`Cannot read video "${path}": ${reason}`, { code: 'VIDEO_UNREADABLE', cause });
  const sizeBytes = await checkFile(path, fail);

  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path];
  const probed = await runTool(resolveMediaTool('ffprobe'), args);
  if (!probed.ok) {
    const truncated = probed.stderr.includes('moov atom not found') && (await startsLikeMp4(path));
    if (truncated) {
      throw fail('truncated or corrupted (no moov atom); copy or download it again', probed.stderr);
    }
    throw fail(
      `not a video file (${lastLine(probed.stderr, path)}); give an MP4, MKV, MOV or AVI file`,
      probed.stderr,
    );
  }
  const { streams = [], format = {} } = JSON.parse(probed.stdout) as {
    streams?: ProbeStream[];
    format?: { duration?: string };
  };
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (video === undefined) {
    const kinds = streams.map((s) => s.codec_type ?? 'unknown').join(', ') || 'none';
    throw fail(`no video stream (streams: ${kinds}); give a file with video`);
  }
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  const durationS =
    parseSeconds(video.duration) ||
    parseSeconds(video.tags?.DURATION) ||
    parseSeconds(format.duration);
  const nbFrames = Number(video.nb_frames);
  const frameCount =
    Number.isInteger(nbFrames) && nbFrames > 0 ? nbFrames : Math.round(durationS * fps);
  if (fps === 0 || frameCount === 0 || !video.width || !video.height) {
    throw fail(
      'no frame rate, duration or picture size in the video stream; re-encode it (e.g. to H.264 MP4)',
    );
  }

  const codec = video.codec_name ?? video.codec_tag_string ?? 'unknown';
  const first = await decodesFrameAt(path, 0);
  if (!first.ok) {
    const why = lastLine(first.stderr, path) || 'no frame decoded';
    throw fail(
      `video codec "${codec}" cannot be decoded by ffmpeg (${why}); re-encode it to H.264`,
      first.stderr,
    );
  }
  const tailS = Math.max(0, (durationS || frameCount / fps) - 1);
  const tail = await decodesFrameAt(path, tailS);
  if (!tail.ok) {
    throw fail(
      `truncated or corrupted (no frame decodes at ${tailS.toFixed(1)} s); copy or download it again`,
      tail.stderr,
    );
  }
  return {
    path,
    size_bytes: sizeBytes,
    fps,
    frame_count: frameCount,
    duration_s: durationS || frameCount / fps,
    width_px: video.width,
    height_px: video.height,
    codec,
    pix_fmt: video.pix_fmt ?? 'unknown',
  };
}
