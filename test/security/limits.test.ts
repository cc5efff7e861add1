/**
 * @module Limits: a 1 MB title and an oversized page are refused with 400; server-sent-event streams are capped per
 * client and in total; a full disk (ENOSPC, simulated on the lock write) gives 507 with a clear message and leaves
 * no empty lock file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeSseLimiter } from '../../src/api/security/sse-limits.ts';
import { episodeDir } from '../../src/store/index.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { CLIPS } from '../jobs/harness.ts';
import { apiOf, multipart, type App } from './security-world.ts';

/** Set to make the next `writeSync` calls fail as on a full disk. */
const disk = vi.hoisted(() => ({ full: false }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, writeSync, default: { ...fs, writeSync } };
});

let dir = '';
let app: App;

beforeAll(async () => {
  dir = await makeTempDir('sa-sec-limits-');
  app = await apiOf(dir);
});

afterAll(async () => {
  await app?.close();
  await removeTempDir(dir);
});

describe('limits', () => {
  it('refuses a 1 MB title and an over-long show name with 400', async () => {
    for (const payload of [
      { show: 'Limits', season: 1, episode: 1, title: 'x'.repeat(1_000_000) },
      { show: 'L'.repeat(101), season: 1, episode: 1 },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/episodes', payload });
      expect(res.statusCode).toBe(400);
    }
    const list = await app.inject({ method: 'GET', url: '/episodes' });
    expect(list.json<{ episodes: unknown[] }>().episodes).toEqual([]);
  });

  it('refuses a page size over the cap', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/shows/limits/cast?page_size=1000000',
    });
    expect(res.statusCode).toBe(400);
  });

  it('caps event streams per client and in total, and gives slots back', () => {
    const streams = makeSseLimiter(2, 3);
    const a1 = streams.acquire('a');
    streams.acquire('a');
    expect(() => streams.acquire('a')).toThrow(/your address \(2\)/);
    streams.acquire('b');
    expect(() => streams.acquire('c')).toThrow(/this server \(3\)/);
    a1();
    a1();
    expect(streams.open()).toBe(2);
    expect(() => streams.acquire('c')).not.toThrow();
  });

  it('answers 507 when the disk is full while a job starts, and leaves no lock file', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 'Full', season: 1, episode: 1 },
    });
    expect(created.statusCode).toBe(201);
    const body = multipart('v.mp4', readFileSync(CLIPS.cap13), 'video/mp4');
    const up = await app.inject({
      method: 'POST',
      url: '/episodes/full-s01e01/video',
      payload: body.payload,
      headers: body.headers,
    });
    expect(up.statusCode).toBe(200);
    disk.full = true;
    let res;
    try {
      res = await app.inject({
        method: 'POST',
        url: '/jobs/detect_track',
        payload: { ep_id: 'full-s01e01', execution_mode: 'local' },
      });
    } finally {
      disk.full = false;
    }
    expect(res.statusCode).toBe(507);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/free disk space/);
    const locks = join(episodeDir(dir, 'full-s01e01'), 'locks');
    expect(existsSync(locks) ? readdirSync(locks) : []).toEqual([]);
  });
});
