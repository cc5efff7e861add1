/**
 * @module Atomic file writes: write a temporary file in the target's folder, then rename it into place, so that a
 * crash never leaves a half-written artifact at the final path.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../errors.ts';

/** Bytes buffered by AtomicFileWriter before a write(2); large enough that per-row writes cost little. */
const BUFFER_BYTES = 64 * 1024;

/** Options of atomic writes. */
export interface AtomicWriteOptions {
  /** fsync the file before the rename, for durability across power loss (slower). Default false. */
  fsync?: boolean;
}

/**
 * Name of the temporary file for `path`: `.{name}.{pid}.{random}.tmp` in the same folder, so that the rename
 * never crosses file systems and leftovers of a crash are recognisable.
 * @param path - final path
 * @returns the temporary path
 */
export function tmpPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    // Already gone is the wanted end state.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
}

/**
 * Streams a file to a temporary path and renames it into place on `commit()`; `abort()` (or a crash) leaves the
 * final path untouched. Writes are synchronous and buffered in 64 KiB chunks.
 */
export class AtomicFileWriter {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private fd: number | null;
  private written = 0;

  private constructor(
    /** The final path. */
    readonly path: string,
    /** The temporary path written until commit. */
    readonly tmpPath: string,
    private readonly options: AtomicWriteOptions,
  ) {
    this.fd = openSync(tmpPath, 'wx');
  }

  /**
   * Opens a writer for `path`, creating its parent folders.
   * @param path - final path of the file
   * @param options - fsync before the rename
   * @returns the open writer
   */
  static open(path: string, options: AtomicWriteOptions = {}): AtomicFileWriter {
    mkdirSync(dirname(path), { recursive: true });
    return new AtomicFileWriter(path, tmpPathFor(path), options);
  }

  /** Bytes written so far (buffered included). */
  get bytesWritten(): number {
    return this.written;
  }

  /**
   * Appends a chunk; strings are written as UTF-8.
   * @param chunk - text or bytes
   * @throws AppError (`INTERNAL`) after commit() or abort()
   */
  write(chunk: string | Uint8Array): void {
    const fd = this.openFd();
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.used + bytes.byteLength > this.buf.byteLength) {
      this.flush(fd);
    }
    if (bytes.byteLength >= this.buf.byteLength) {
      writeAll(fd, bytes);
    } else {
      this.buf.set(bytes, this.used);
      this.used += bytes.byteLength;
    }
    this.written += bytes.byteLength;
  }

  /**
   * Flushes, closes and renames the temporary file onto the final path (replacing any previous file atomically).
   * @throws AppError (`INTERNAL`) after commit() or abort(); fs errors as thrown by Node (the temp file is removed)
   */
  commit(): void {
    const fd = this.openFd();
    try {
      this.flush(fd);
      if (this.options.fsync) {
        fsyncSync(fd);
      }
    } catch (err) {
      this.abort();
      throw err;
    }
    closeSync(fd);
    this.fd = null;
    try {
      renameSync(this.tmpPath, this.path);
    } catch (err) {
      unlinkIfPresent(this.tmpPath);
      throw err;
    }
  }

  /** Closes and deletes the temporary file; the final path is untouched. Does nothing when already finished. */
  abort(): void {
    if (this.fd === null) {
      return;
    }
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
    unlinkIfPresent(this.tmpPath);
  }

  private openFd(): number {
    if (this.fd === null) {
      throw new AppError(
        'INTERNAL',
        500,
        `Atomic writer for ${this.path} is already committed or aborted`,
      );
    }
    return this.fd;
  }

  private flush(fd: number): void {
    if (this.used === 0) {
      return;
    }
    writeAll(fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) {
    off += writeSync(fd, bytes, off, bytes.byteLength - off);
  }
}

/**
 * Writes a whole file atomically (temporary file + rename), creating parent folders.
 * @param path - final path
 * @param data - content; strings are written as UTF-8
 * @param options - fsync before the rename
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const w = AtomicFileWriter.open(path, options);
  try {
    w.write(data);
  } catch (err) {
    w.abort();
    throw err;
  }
  w.commit();
}

/**
 * Writes `obj` as pretty-printed JSON (2-space indent, trailing newline) atomically.
 * @param path - final path
 * @param obj - a JSON-serialisable value
 * @param options - fsync before the rename
 */
export function writeJsonAtomic(
  path: string,
  obj: unknown,
  options: AtomicWriteOptions = {},
): void {
  writeFileAtomic(path, `${JSON.stringify(obj, null, 2)}\n`, options);
}
