/** @module Tests of the ffmpeg/ffprobe lookup: env override, PATH, npm fallback. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { resolveMediaTool } from './ffmpeg-path.ts';

const execFileAsync = promisify(execFile);

describe('resolveMediaTool', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('returns a working npm-packaged binary when PATH is empty', async () => {
    for (const tool of ['ffmpeg', 'ffprobe'] as const) {
      const path = resolveMediaTool(tool, { PATH: '' });
      expect(path).toContain('node_modules');
      const { stdout } = await execFileAsync(path, ['-version']);
      expect(stdout).toMatch(new RegExp(`^${tool} version`));
    }
  });

  it('returns the PATH binary when one is on PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-ffpath-'));
    dirs.push(dir);
    await writeFile(join(dir, 'ffprobe'), '#!/bin/sh\n', { mode: 0o755 });
    expect(resolveMediaTool('ffprobe', { PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'ffprobe'));
  });

  it('skips a non-executable file on PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-ffpath-'));
    dirs.push(dir);
    await writeFile(join(dir, 'ffmpeg'), 'not a program', { mode: 0o644 });
    expect(resolveMediaTool('ffmpeg', { PATH: dir })).not.toBe(join(dir, 'ffmpeg'));
  });

  it('returns the env override when SCREENALYTICS_FFMPEG is set', () => {
    const npmPath = resolveMediaTool('ffmpeg', { PATH: '' });
    expect(resolveMediaTool('ffmpeg', { PATH: '/usr/bin', SCREENALYTICS_FFMPEG: npmPath })).toBe(
      npmPath,
    );
  });

  it('throws INTERNAL naming the variable when the override is not an executable', () => {
    const call = () =>
      resolveMediaTool('ffprobe', { SCREENALYTICS_FFPROBE: '/nonexistent/ffprobe' });
    expect(call).toThrow(AppError);
    expect(call).toThrow(/SCREENALYTICS_FFPROBE/);
  });
});
