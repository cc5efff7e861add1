/** @module Tests of the stage lock file and of the holder rules (dead pid on this host, stale heartbeat). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../store/index.ts';
import {
  createLock,
  judgeHolder,
  readLock,
  removeLock,
  updateLock,
  type StageLock,
} from './lock.ts';

let dir: string;
let path: string;
const now = new Date('2026-11-21T07:00:00.000Z');
const lock: StageLock = {
  pid: process.pid,
  host: 'box',
  job_id: 'job-a',
  started_at: '2026-11-21T06:59:00.000Z',
  heartbeat_at: '2026-11-21T06:59:55.000Z',
};
const running = { job_id: 'job-a', state: 'running', host: 'box', runner_pid: process.pid } as Job;
const opts = { host: 'box', now, stallAfterS: 30 };

/** A pid that existed and is gone: a finished child of this process. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString(),
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jobs-lock-'));
  path = join(dir, 'locks', 'detect_track.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createLock', () => {
  it('creates the file once and refuses a second holder when it exists', () => {
    expect(createLock(path, lock)).toBe(true);
    expect(createLock(path, { ...lock, job_id: 'job-b' })).toBe(false);
    expect(readLock(path)).toEqual({ kind: 'held', lock });
  });

  it('reads an empty file as unreadable when a holder died between create and write', () => {
    createLock(path, lock);
    writeFileSync(path, '');
    expect(readLock(path)).toEqual({ kind: 'unreadable' });
  });
});

describe('updateLock and removeLock', () => {
  it('changes and removes the lock only for the job that holds it', () => {
    createLock(path, lock);
    updateLock(path, 'job-b', { heartbeat_at: now.toISOString() });
    removeLock(path, 'job-b');
    expect(readLock(path)).toEqual({ kind: 'held', lock });
    updateLock(path, 'job-a', { heartbeat_at: now.toISOString() });
    expect(readLock(path)).toMatchObject({ lock: { heartbeat_at: now.toISOString() } });
    removeLock(path, 'job-a');
    expect(readLock(path)).toEqual({ kind: 'free' });
  });
});

describe('judgeHolder', () => {
  it('keeps a running holder with a fresh heartbeat and a live pid', () => {
    expect(judgeHolder(running, lock, opts)).toEqual({ live: true });
  });

  it('keeps a queued job whatever its lock says', () => {
    expect(
      judgeHolder(
        { ...running, state: 'queued' },
        { ...lock, heartbeat_at: '2020-01-01T00:00:00.000Z' },
        opts,
      ),
    ).toEqual({ live: true });
  });

  it('takes over when the holder pid on this host is dead', () => {
    const pid = deadPid();
    const verdict = judgeHolder(running, { ...lock, pid }, opts);
    expect(verdict.live).toBe(false);
    expect(!verdict.live && verdict.reason).toBe(`its runner process ${pid} on box is gone`);
  });

  it('takes over when the heartbeat is older than the stall threshold, even on another host', () => {
    const verdict = judgeHolder(
      running,
      { ...lock, host: 'other', heartbeat_at: '2026-11-21T06:59:00.000Z' },
      opts,
    );
    expect(verdict.live).toBe(false);
    expect(!verdict.live && verdict.reason).toMatch(/^no heartbeat for 60 s/);
  });

  it('judges a runner on another host by its heartbeat only, even when its pid is not alive here', () => {
    const pid = deadPid();
    const elsewhere = { ...running, host: 'other', runner_pid: pid } as Job;
    expect(judgeHolder(elsewhere, { ...lock, host: 'other', pid }, opts)).toEqual({ live: true });
    expect(judgeHolder({ ...elsewhere, heartbeat_at: lock.heartbeat_at }, null, opts)).toEqual({
      live: true,
    });
    const silent = judgeHolder(
      { ...elsewhere, heartbeat_at: '2026-11-21T06:59:20.000Z' },
      null,
      opts,
    );
    expect(!silent.live && silent.reason).toMatch(/^no heartbeat for 40 s/);
  });

  it('takes over when the job is final or missing', () => {
    expect(judgeHolder({ ...running, state: 'success' }, lock, opts).live).toBe(false);
    expect(judgeHolder(null, lock, opts).live).toBe(false);
  });
});
