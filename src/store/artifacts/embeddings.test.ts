/** @module Tests of embeddings.f32: N x dim float32 little-endian. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, NotFoundError } from '../../errors.ts';
import { EmbeddingsWriter, readEmbeddings, writeEmbeddings } from './embeddings.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'store-emb-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DIM = 512;

function rows(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n * DIM }, (_, i) => Math.sin(seed + i) / 7);
}

describe('embeddings', () => {
  it('reads back N x dim little-endian floats when written in batches', () => {
    const path = join(dir, 'embeddings.f32');
    const a = rows(3, 1);
    const b = rows(5, 2);
    const w = EmbeddingsWriter.open(path, DIM);
    w.write(a);
    w.write(b.subarray(DIM));
    w.write(b.subarray(0, DIM));
    expect(w.rows).toBe(8);
    w.commit();
    const back = readEmbeddings(path, DIM);
    expect(back.n).toBe(8);
    expect(back.data.subarray(0, 3 * DIM)).toEqual(a);
    expect(back.data.subarray(3 * DIM, 7 * DIM)).toEqual(b.subarray(DIM));
    const bytes = readFileSync(path);
    expect(bytes.byteLength).toBe(8 * DIM * 4);
    expect(bytes.readFloatLE(4)).toBe(a[1]);
  });

  it('throws and writes nothing when a batch is not a multiple of dim', () => {
    const path = join(dir, 'embeddings.f32');
    expect(() => writeEmbeddings(path, new Float32Array(DIM + 1), DIM)).toThrow(AppError);
    expect(existsSync(path)).toBe(false);
  });

  it('throws an AppError when the file size is not a multiple of dim x 4', () => {
    const path = join(dir, 'embeddings.f32');
    writeFileSync(path, new Uint8Array(DIM * 4 + 2));
    expect(() => readEmbeddings(path, DIM)).toThrow(/not a multiple of 2048/);
  });

  it('throws NotFoundError when the file does not exist', () => {
    expect(() => readEmbeddings(join(dir, 'embeddings.f32'), DIM)).toThrow(NotFoundError);
  });

  it('returns zero rows when the file is empty', () => {
    const path = join(dir, 'embeddings.f32');
    writeEmbeddings(path, new Float32Array(0), DIM);
    expect(readEmbeddings(path, DIM)).toMatchObject({ n: 0, dim: DIM });
  });
});
