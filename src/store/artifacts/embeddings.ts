/**
 * @module `embeddings.f32`: N x dim float32 little-endian, row-major; row i belongs to `faces.jsonl` line i.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { AppError, NotFoundError } from '../../errors.ts';
import { AtomicFileWriter, type AtomicWriteOptions } from '../atomic.ts';

const BYTES_PER_FLOAT = 4;
const HOST_IS_LE = endianness() === 'LE';

function checkDim(dim: number): void {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new AppError('INTERNAL', 500, `Invalid embedding dim ${dim}`);
  }
}

function toLittleEndian(rows: Float32Array): Uint8Array {
  const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  if (HOST_IS_LE) {
    return bytes;
  }
  const out = new DataView(new ArrayBuffer(rows.byteLength));
  rows.forEach((v, i) => out.setFloat32(i * BYTES_PER_FLOAT, v, true));
  return new Uint8Array(out.buffer);
}

/** Streams embeddings to `embeddings.f32` in batches; the file appears at its final path only on `commit()`. */
export class EmbeddingsWriter {
  private n = 0;

  private constructor(
    private readonly out: AtomicFileWriter,
    /** Embedding length (512 for the default embedder). */
    readonly dim: number,
  ) {}

  /**
   * @param path - `runPaths(...).embeddings`
   * @param dim - embedding length
   * @param options - fsync before the rename
   * @returns the open writer
   * @throws AppError (`INTERNAL`) when `dim` is not a positive integer
   */
  static open(path: string, dim: number, options: AtomicWriteOptions = {}): EmbeddingsWriter {
    checkDim(dim);
    return new EmbeddingsWriter(AtomicFileWriter.open(path, options), dim);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.n;
  }

  /**
   * Appends k rows.
   * @param rows - Float32Array of k x dim values, row-major
   * @throws AppError (`INTERNAL`) when `rows.length` is not a multiple of `dim`, or after commit()/abort()
   */
  write(rows: Float32Array): void {
    if (rows.length % this.dim !== 0) {
      throw new AppError(
        'INTERNAL',
        500,
        `Embedding batch of ${rows.length} floats is not a multiple of dim ${this.dim}`,
      );
    }
    this.out.write(toLittleEndian(rows));
    this.n += rows.length / this.dim;
  }

  /**
   * Renames the file into place.
   * @throws AppError (`INTERNAL`) after commit() or abort()
   */
  commit(): void {
    this.out.commit();
  }

  /** Drops the temporary file; the final path is untouched. */
  abort(): void {
    this.out.abort();
  }
}

/**
 * Writes a whole embeddings matrix atomically.
 * @param path - `runPaths(...).embeddings`
 * @param rows - Float32Array of N x dim values, row-major
 * @param dim - embedding length
 * @throws AppError (`INTERNAL`) when `rows.length` is not a multiple of `dim`
 */
export function writeEmbeddings(path: string, rows: Float32Array, dim: number): void {
  const w = EmbeddingsWriter.open(path, dim);
  try {
    w.write(rows);
  } catch (err) {
    w.abort();
    throw err;
  }
  w.commit();
}

/** An embeddings matrix read back. */
export interface Embeddings {
  /** N x dim values, row-major; row i = `data.subarray(i * dim, (i + 1) * dim)`. */
  data: Float32Array;
  /** Number of rows N. */
  n: number;
  /** Embedding length. */
  dim: number;
}

/**
 * Reads `embeddings.f32`.
 * @param path - `runPaths(...).embeddings`
 * @param dim - expected embedding length
 * @returns the matrix, in a fresh (aligned) Float32Array
 * @throws NotFoundError (`NOT_FOUND`) when the file does not exist
 * @throws AppError (`INTERNAL`) when the size is not a multiple of dim x 4 bytes
 */
export function readEmbeddings(path: string, dim: number): Embeddings {
  checkDim(dim);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${path} does not exist: run faces_embed first`, { cause: err });
    }
    throw err;
  }
  const rowBytes = dim * BYTES_PER_FLOAT;
  if (bytes.byteLength % rowBytes !== 0) {
    throw new AppError(
      'INTERNAL',
      500,
      `${path} has ${bytes.byteLength} bytes, not a multiple of ${rowBytes} (dim ${dim} x 4): re-run faces_embed`,
    );
  }
  const n = bytes.byteLength / rowBytes;
  const data = new Float32Array(n * dim);
  if (HOST_IS_LE) {
    new Uint8Array(data.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < data.length; i++) {
      data[i] = view.getFloat32(i * BYTES_PER_FLOAT, true);
    }
  }
  return { data, n, dim };
}
