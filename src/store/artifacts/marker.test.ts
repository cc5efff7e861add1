/** @module Tests of stage markers: round trip, schema_version check, params hash. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { finishMarker, hashParams, newMarker, readMarker, writeMarker } from './marker.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-marker-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const start = {
  ep_id: 'fotb-s01e11',
  run_id: 'run-20261121-065400-ab12',
  stage: 'faces_embed' as const,
  params: { samples_per_track: 5, embedder: 'mobilefacenet-512' },
  inputs: { detect_track: '0b6f1a52-3d7e-4a4c-9a57-3f1c1f3a2b10' },
  device: { requested: 'auto' as const, effective_providers: ['cpu'] },
};

describe('marker', () => {
  it('reads back what was written when the marker goes running -> success', () => {
    const path = join(dir, 'faces_embed.json');
    const running = newMarker(start, new Date('2026-11-21T06:54:00Z'));
    writeMarker(path, running);
    expect(readMarker(path)).toEqual(running);

    const done = finishMarker(
      running,
      { status: 'success', counts: { faces: 40 } },
      new Date('2026-11-21T06:55:30Z'),
    );
    writeMarker(path, done);
    const back = readMarker(path);
    expect(back).toEqual(done);
    expect(back).toMatchObject({
      status: 'success',
      elapsed_s: 90,
      zero_rows: false,
      error: null,
      schema_version: 1,
    });
    expect(back?.marker_id).toBe(running.marker_id);
  });

  it('returns null when the marker does not exist', () => {
    expect(readMarker(join(dir, 'cluster.json'))).toBeNull();
  });

  it('throws an AppError naming both versions when schema_version is not 1', () => {
    const path = join(dir, 'faces_embed.json');
    writeMarker(path, newMarker(start));
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...raw, schema_version: 2 }));
    expect(() => readMarker(path)).toThrow(AppError);
    expect(() => readMarker(path)).toThrow(/schema_version 2, this build reads 1/);
  });

  it('throws an AppError naming the field when the marker does not match the schema', () => {
    const path = join(dir, 'faces_embed.json');
    writeFileSync(path, JSON.stringify({ ...newMarker(start), status: 'done' }));
    expect(() => readMarker(path)).toThrow(/at status/);
  });
});

describe('hashParams', () => {
  it('gives the same 16 hex characters when only key order differs', () => {
    const a = hashParams({ stride: 4, tiles: { cols: 4, rows: 3 }, skip: undefined });
    const b = hashParams({ tiles: { rows: 3, cols: 4 }, stride: 4 });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).toBe(b);
  });

  it('gives different hashes when a value differs', () => {
    expect(hashParams({ stride: 4 })).not.toBe(hashParams({ stride: 2 }));
    expect(hashParams({ list: [1, 2] })).not.toBe(hashParams({ list: [2, 1] }));
  });
});
