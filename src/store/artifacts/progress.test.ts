/** @module Tests of progress.json: seq increments, heartbeats, resume. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProgressWriter, readProgress } from './progress.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-progress-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ProgressWriter', () => {
  it('increments seq on every write and heartbeat when a stage reports', () => {
    const path = join(dir, 'progress.json');
    const w = new ProgressWriter(path, 'detect_track');
    w.write(
      { frames_done: 10, frames_total: 100, fps: 5, eta_s: 18 },
      new Date('2026-11-21T06:54:00Z'),
    );
    expect(readProgress(path)).toMatchObject({
      seq: 1,
      frames_done: 10,
      stage: 'detect_track',
      schema_version: 1,
    });
    w.heartbeat(new Date('2026-11-21T06:54:10Z'));
    expect(readProgress(path)).toMatchObject({
      seq: 2,
      frames_done: 10,
      heartbeat_at: '2026-11-21T06:54:10.000Z',
    });
  });

  it('continues seq from the file when a writer is reopened', () => {
    const path = join(dir, 'progress.json');
    new ProgressWriter(path, 'detect_track').write({
      frames_done: 1,
      frames_total: null,
      fps: 0,
      eta_s: null,
    });
    const again = new ProgressWriter(path, 'faces_embed');
    expect(again.heartbeat().seq).toBe(2);
    expect(readProgress(path)).toMatchObject({ stage: 'faces_embed', frames_done: 0 });
  });

  it('returns null when no progress was written', () => {
    expect(readProgress(join(dir, 'progress.json'))).toBeNull();
  });
});
