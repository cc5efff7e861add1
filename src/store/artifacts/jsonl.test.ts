/** @module Tests of JSON Lines readers and the atomic JSON Lines writer. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, NotFoundError } from '../../errors.ts';
import { JsonlWriter, readJsonl, streamJsonl } from './jsonl.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-jsonl-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rowSchema = z.object({ frame_idx: z.number().int(), conf: z.number() });
type Row = z.infer<typeof rowSchema>;

describe('JsonlWriter', () => {
  it('writes rows that readJsonl and streamJsonl give back in order when committed', async () => {
    const path = join(dir, 'detections.jsonl');
    const w = JsonlWriter.open<Row>(path);
    const rows = Array.from({ length: 3000 }, (_, i) => ({ frame_idx: i * 4, conf: i / 3000 }));
    for (const r of rows) {
      w.write(r);
    }
    expect(w.rows).toBe(3000);
    expect(existsSync(path)).toBe(false);
    w.commit();
    expect(readJsonl(path, rowSchema)).toEqual(rows);
    const streamed: Row[] = [];
    for await (const r of streamJsonl(path, rowSchema)) {
      streamed.push(r);
    }
    expect(streamed).toEqual(rows);
  });

  it('leaves no file when aborted', () => {
    const path = join(dir, 'tracks.jsonl');
    const w = JsonlWriter.open<Row>(path);
    w.write({ frame_idx: 0, conf: 1 });
    w.abort();
    expect(existsSync(path)).toBe(false);
  });
});

describe('readJsonl', () => {
  it('throws NotFoundError when the file does not exist', async () => {
    const path = join(dir, 'faces.jsonl');
    expect(() => readJsonl(path)).toThrow(NotFoundError);
    await expect(streamJsonl(path).next()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('throws an AppError naming path:line when a row does not match the schema', async () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"frame_idx":0,"conf":1}\n\n{"frame_idx":"x","conf":1}\n');
    expect(() => readJsonl(path, rowSchema)).toThrow(AppError);
    expect(() => readJsonl(path, rowSchema)).toThrow(/bad\.jsonl:3 .*frame_idx/);
    await expect(async () => {
      for await (const _ of streamJsonl(path, rowSchema)) {
        void _;
      }
    }).rejects.toThrow(/bad\.jsonl:3/);
  });
});
