/**
 * @module Accounts over HTTP: anonymous requests get 401 once an account exists, roles are enforced (a viewer
 * editing gets 403), sessions and bearer tokens work, sign-out ends the session, the audit log names the signed-in
 * user of every change, `GET /config` is an admin's, and with no account loopback runs single-user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/accounts/index.ts';
import { listAudit } from '../../src/store/index.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { addUsers, signIn } from '../helpers/accounts.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { apiOf, type App } from './security-world.ts';

let dir = '';
let app: App;

beforeAll(async () => {
  dir = await makeTempDir('sa-sec-auth-');
  app = await apiOf(dir);
});

afterAll(async () => {
  await app?.close();
  await removeTempDir(dir);
});

const episode = { show: 'Auth Show', season: 1, episode: 1 };

describe('auth', () => {
  it('runs single-user on loopback while no account exists', async () => {
    const me = await app.inject({ method: 'GET', url: '/auth/me' });
    expect(me.json()).toMatchObject({ single_user: true, user: { name: 'local', role: 'admin' } });
    expect((await app.inject({ method: 'GET', url: '/config' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/episodes' })).statusCode).toBe(200);
    const remote = await app.inject({ method: 'GET', url: '/episodes', remoteAddress: '10.0.0.7' });
    expect(remote.statusCode).toBe(401);
  });

  it('answers 401 to anonymous requests once an account exists', async () => {
    await addUsers(dir, { ada: 'admin', rita: 'reviewer', vic: 'viewer' });
    for (const [method, url] of [
      ['GET', '/episodes'],
      ['GET', '/config'],
      ['POST', '/episodes'],
      ['POST', '/jobs/x/cancel'],
      ['DELETE', '/episodes/auth-show-s01e01'],
      ['POST', '/no/such/route'],
    ] as const) {
      const res = await app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
  });

  it('refuses a wrong password with one message for any name', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { name: 'rita', password: 'nope-nope' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { name: 'nobody', password: 'nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('sets an HTTP-only SameSite session cookie and lets a viewer read but not edit (403)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/auth/sign-in',
      payload: { name: 'vic', password: 'correct horse battery' },
    });
    const cookie = res.cookies.find((c) => c.name === 'sa_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const headers = { cookie: `sa_session=${cookie.value}` };
    expect((await app.inject({ method: 'GET', url: '/episodes', headers })).statusCode).toBe(200);
    const create = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: episode,
      headers,
    });
    expect(create.statusCode).toBe(403);
    expect(create.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
    const edit = await app.inject({
      method: 'POST',
      url: '/episodes/auth-show-s01e01/undo',
      payload: {},
      headers,
    });
    expect(edit.statusCode).toBe(403);
  });

  it('lets a reviewer create but not delete, and an admin delete; the audit log names them', async () => {
    const rita = { cookie: await signIn(app, 'rita') };
    const created = await app.inject({
      method: 'POST',
      url: '/episodes',
      payload: episode,
      headers: rita,
    });
    expect(created.statusCode).toBe(201);
    const url = '/episodes/auth-show-s01e01';
    expect((await app.inject({ method: 'DELETE', url, headers: rita })).statusCode).toBe(403);
    const ada = { cookie: await signIn(app, 'ada') };
    expect((await app.inject({ method: 'DELETE', url, headers: ada })).statusCode).toBe(204);
    const db = await openTestDatabase(dir);
    try {
      const log = (await listAudit(db, 10)).map(
        (e) => `${e.user_name} ${e.method} ${e.url} ${e.status}`,
      );
      expect(log).toContain(`ada DELETE ${url} 204`);
      expect(log).toContain('rita POST /episodes 201');
      expect(log).toContain(`rita DELETE ${url} 403`);
    } finally {
      await db.close();
    }
  });

  it('accepts a bearer token, refuses a revoked or made-up one, and ends a session on sign-out', async () => {
    const db = await openTestDatabase(dir);
    const made = await createToken(db, 'rita', 'script');
    await db.close();
    const auth = { authorization: `Bearer ${made.token}` };
    const me = await app.inject({ method: 'GET', url: '/auth/me', headers: auth });
    expect(me.json<{ user: unknown }>().user).toEqual({
      name: 'rita',
      role: 'reviewer',
      via: 'token',
    });
    const forged = { authorization: `Bearer ${made.token.slice(0, -2)}xx` };
    expect(
      (await app.inject({ method: 'GET', url: '/episodes', headers: forged })).statusCode,
    ).toBe(401);
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/auth/tokens/${made.token_id}`,
      headers: auth,
    });
    expect(revoke.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/episodes', headers: auth })).statusCode).toBe(
      401,
    );

    const cookie = { cookie: await signIn(app, 'vic') };
    expect(
      (await app.inject({ method: 'GET', url: '/episodes', headers: cookie })).statusCode,
    ).toBe(200);
    const out = await app.inject({ method: 'POST', url: '/auth/sign-out', headers: cookie });
    expect(out.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/episodes', headers: cookie })).statusCode,
    ).toBe(401);
  });

  it('lets only an admin manage users', async () => {
    const rita = { cookie: await signIn(app, 'rita') };
    const body = { name: 'newbie', role: 'viewer', password: 'long enough pw' };
    expect(
      (await app.inject({ method: 'POST', url: '/users', payload: body, headers: rita }))
        .statusCode,
    ).toBe(403);
    const ada = { cookie: await signIn(app, 'ada') };
    const made = await app.inject({ method: 'POST', url: '/users', payload: body, headers: ada });
    expect(made.statusCode).toBe(201);
    expect(made.body).not.toContain('password');
    await signIn(app, 'newbie', 'long enough pw');
    const audit = await app.inject({ method: 'GET', url: '/audit?limit=5', headers: ada });
    expect(audit.json<{ items: { user_name: string; url: string }[] }>().items[0]).toMatchObject({
      user_name: 'ada',
      url: '/users',
    });
    expect((await app.inject({ method: 'GET', url: '/audit', headers: rita })).statusCode).toBe(
      403,
    );
  });

  it('serves the whole config to an admin only, and the UI defaults to anyone signed in', async () => {
    const ada = { cookie: await signIn(app, 'ada') };
    const full = await app.inject({ method: 'GET', url: '/config', headers: ada });
    expect(full.statusCode).toBe(200);
    expect(full.json<{ data_dir: string }>().data_dir).toBe(dir);
    for (const name of ['rita', 'vic']) {
      const headers = { cookie: await signIn(app, name) };
      const res = await app.inject({ method: 'GET', url: '/config', headers });
      expect(res.statusCode, name).toBe(403);
      expect(res.body).not.toContain(dir);
      const ui = await app.inject({ method: 'GET', url: '/config/ui', headers });
      expect(ui.statusCode, name).toBe(200);
      expect(ui.json()).toMatchObject({
        profile: 'balanced',
        profiles: { balanced: { stride: expect.any(Number) as number } },
        jobs: { local_max_threads: expect.any(Number) as number },
      });
      expect(ui.body).not.toContain(dir);
    }
  });

  it('answers 429 after 5 failed sign-ins for a name, even with the right password', async () => {
    const attempt = (password: string) =>
      app.inject({ method: 'POST', url: '/auth/sign-in', payload: { name: 'vic', password } });
    for (let i = 0; i < 5; i++) {
      expect((await attempt(`guess-${i}-guess`)).statusCode).toBe(401);
    }
    expect((await attempt('correct horse battery')).statusCode).toBe(429);
  });
});
