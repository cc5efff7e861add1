/** @module Tests of runtime.json read/write. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRuntime, writeRuntime, type Runtime } from './runtime.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-runtime-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runtime', () => {
  it('reads back active jobs when one stage runs locally and one is cleared', () => {
    const path = join(dir, 'runtime.json');
    const runtime: Runtime = {
      schema_version: 1,
      active_jobs: {
        detect_track: {
          job_id: null,
          mode: 'local',
          pid: 4242,
          host: 'box',
          started_at: '2026-11-21T06:54:00.000Z',
        },
        cluster: null,
      },
      updated_at: '2026-11-21T06:54:01.000Z',
    };
    expect(readRuntime(path)).toBeNull();
    writeRuntime(path, runtime);
    expect(readRuntime(path)).toEqual(runtime);
  });

  it('throws when a stage key is not a stage', () => {
    const bad = {
      schema_version: 1,
      active_jobs: { align: null },
      updated_at: '2026-11-21T06:54:01.000Z',
    };
    expect(() => writeRuntime(join(dir, 'runtime.json'), bad as unknown as Runtime)).toThrow();
  });
});
