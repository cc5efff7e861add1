/**
 * @module Browser safety in single-user loopback mode (no account): a cross-site page cannot POST (upload, bodyless
 * cancel), a rebound DNS name (forged Host) gets 421, responses carry CSP, frame-ancestors, nosniff and referrer
 * policy, and `GET /config` hides the Redis password and the session secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactConfig } from '../../src/api/security/redact.ts';
import { loadConfig } from '../../src/config/index.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, multipart, type App } from './security-world.ts';

let dir = '';
let app: App;
const SECRET = 'a-session-secret-of-at-least-32-characters';

beforeAll(async () => {
  dir = await makeTempDir('sa-sec-browser-');
  app = await apiOf(dir, {
    jobs: { redis_url: 'redis://worker:s3cr3t-pa55@127.0.0.1:6399/0' },
    api: { session_secret: SECRET, public_urls: ['https://sa.studio.example'] },
  });
});

afterAll(async () => {
  await app?.close();
  await removeTempDir(dir);
});

describe('browser safety', () => {
  it('refuses state-changing requests from another origin with 403, even single-user', async () => {
    const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    const cancel = await app.inject({ method: 'POST', url: '/jobs/abc/cancel', headers: evil });
    expect(cancel.statusCode).toBe(403);
    const upload = multipart('x.mp4', Buffer.from('not a video'));
    const up = await app.inject({
      method: 'POST',
      url: '/episodes/some-show-s01e01/video',
      payload: upload.payload,
      headers: { ...upload.headers, ...evil },
    });
    expect(up.statusCode).toBe(403);
    const noOrigin = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 's', season: 1, episode: 1 },
      headers: { 'sec-fetch-site': 'same-site' },
    });
    expect(noOrigin.statusCode).toBe(403);
    const nullOrigin = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: { show: 's', season: 1, episode: 1 },
      headers: { origin: 'null' },
    });
    expect(nullOrigin.statusCode).toBe(403);
  });

  it('accepts its own origin, a configured public URL, and clients that send no Origin', async () => {
    const body = { show: 'Origin Show', season: 1, episode: 1 };
    for (const headers of [
      { origin: 'http://localhost:80' },
      { origin: 'https://sa.studio.example', host: 'sa.studio.example' },
      {},
      { 'sec-fetch-site': 'same-origin' },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/episodes', payload: body, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(201);
    }
  });

  it('answers 421 to a Host that is not a name of this API (DNS rebinding)', async () => {
    for (const host of ['attacker.example', 'attacker.example:8000', '169.254.1.1']) {
      const res = await app.inject({ method: 'GET', url: '/episodes', headers: { host } });
      expect(res.statusCode, host).toBe(421);
    }
    const ok = await app.inject({
      method: 'GET',
      url: '/episodes',
      headers: { host: '127.0.0.1:8000' },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('sends CSP with frame-ancestors, nosniff and a referrer policy', async () => {
    for (const url of ['/episodes', '/']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("media-src 'self' blob:");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
    }
  });

  it('serves /config without the Redis password or the session secret', async () => {
    const res = await app.inject({ method: 'GET', url: '/config' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('s3cr3t-pa55');
    expect(res.body).not.toContain(SECRET);
    expect(res.json<{ jobs: { redis_url: string } }>().jobs.redis_url).toBe(
      'redis://worker:[redacted]@127.0.0.1:6399/0',
    );
  });

  it('redacts the password of the PostgreSQL URL in the config it serves', () => {
    const config = loadConfig(
      { database: { url: 'postgres://sa:db-pa55@db.example:5432/sa' } },
      {},
    );
    expect(redactConfig(config).database.url).toBe('postgres://sa:[redacted]@db.example:5432/sa');
    expect(JSON.stringify(redactConfig(config))).not.toContain('db-pa55');
  });
});
