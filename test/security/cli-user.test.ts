/**
 * @module `screenalytics user add|token|list|remove` through the real CLI: the password comes from standard input
 * and only its argon2 hash is stored; a token is printed once, only its SHA-256 stored, and it opens the API.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSha256 } from '../../src/accounts/index.ts';
import {
  getPasswordHash,
  listApiTokens,
  listUsers,
  userOfTokenHash,
} from '../../src/store/index.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { openTestDatabase, testDatabaseEnv } from '../helpers/database.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf } from './security-world.ts';

let dir = '';

beforeAll(async () => {
  dir = await makeTempDir('sa-sec-cli-');
});

afterAll(async () => {
  await removeTempDir(dir);
});

/** Runs the CLI with `input` on standard input. */
function cli(
  args: string[],
  input = '',
): Promise<{ code: number | null; out: string; err: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
  );
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'screenalytics.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...env, SCREENALYTICS_DATA_DIR: dir, ...testDatabaseEnv(dir) },
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdin.end(input);
  return new Promise((done) => child.on('close', (code) => done({ code, out, err })));
}

/** Starts `serve` with `args`; resolves with its output once `until` appears or it exits. */
function serve(args: string[], until: RegExp): Promise<{ code: number | null; out: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
  );
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'screenalytics.js'), 'serve', '--port', '0', ...args],
    { cwd: REPO_ROOT, env: { ...env, SCREENALYTICS_DATA_DIR: dir, ...testDatabaseEnv(dir) } },
  );
  let out = '';
  return new Promise((done) => {
    const onData = (s: string): void => {
      out += s;
      if (until.test(out)) {
        child.kill('SIGTERM');
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('close', (code) => done({ code, out }));
  });
}

describe('screenalytics serve without accounts', () => {
  it('runs single-user on loopback and says so; refuses another address', async () => {
    const local = await serve([], /single-user mode/);
    expect(local.out).toMatch(/single-user mode: no account exists/);
    const wide = await serve(['--host', '0.0.0.0'], /never/);
    expect(wide.code).toBe(2);
    expect(wide.out).toMatch(
      /No account exists, so the API may only listen on loopback, not 0\.0\.0\.0/,
    );
  });
});

describe('screenalytics user', () => {
  it('adds a user from a password on stdin, prints a token that opens the API, lists and removes', async () => {
    const added = await cli(['user', 'add', 'alice', '--role', 'reviewer'], 'hunter2hunter2\n');
    expect(added).toMatchObject({ code: 0, out: 'created user alice (reviewer)\n' });
    expect((await cli(['user', 'add', 'bob', '--role', 'boss'], 'pw-pw-pw-pw\n')).code).toBe(2);
    expect((await cli(['user', 'add', 'carl', '--role', 'viewer'], 'short\n')).code).toBe(2);

    const token = await cli(['user', 'token', 'alice']);
    expect(token.code).toBe(0);
    const value = token.out.trim();
    expect(value).toMatch(/^sa_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);

    const db = await openTestDatabase(dir);
    try {
      const hash = await getPasswordHash(db, 'alice');
      expect(hash).toMatch(/^\$argon2id\$/);
      expect(hash).not.toContain('hunter2');
      const [alice] = await listUsers(db);
      expect(JSON.stringify(await listApiTokens(db, alice!.user_id))).not.toContain(value);
      // The token is found by its SHA-256 only.
      expect(await userOfTokenHash(db, value)).toBeNull();
      expect(await userOfTokenHash(db, tokenSha256(value))).toMatchObject({ name: 'alice' });
    } finally {
      await db.close();
    }

    const app = await apiOf(dir);
    try {
      const me = await app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { authorization: `Bearer ${value}` },
      });
      expect(me.json()).toMatchObject({
        user: { name: 'alice', role: 'reviewer' },
        single_user: false,
      });
    } finally {
      await app.close();
    }

    const list = await cli(['user', 'list']);
    expect(list.out).toMatch(/alice.*reviewer.*1/);
    expect((await cli(['user', 'remove', 'alice'])).code).toBe(0);
    expect((await cli(['user', 'remove', 'alice'])).code).toBe(2);
    expect((await cli(['user', 'list'])).out).toContain('no users');
  });
});
