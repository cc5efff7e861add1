/**
 * @module JSON Lines artifacts (`detections.jsonl`, `tracks.jsonl`, `faces.jsonl`): typed readers and an atomic writer.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { AppError, NotFoundError } from '../../errors.ts';
import { AtomicFileWriter, type AtomicWriteOptions } from '../atomic.ts';

function parseLine<T>(path: string, lineNo: number, line: string, schema?: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (cause) {
    throw new AppError(
      'INTERNAL',
      500,
      `${path}:${lineNo} is not valid JSON: re-run the stage that writes it`,
      {
        cause,
      },
    );
  }
  if (!schema) {
    return raw as T;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'INTERNAL',
      500,
      `${path}:${lineNo} does not match its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

function notFound(path: string, cause: unknown): NotFoundError {
  return new NotFoundError(`${path} does not exist: run the stage that writes it first`, { cause });
}

/**
 * Reads a whole JSON Lines file into memory (blank lines skipped).
 * @param path - file to read
 * @param schema - optional zod schema each row is validated with
 * @returns the rows, in file order
 * @throws NotFoundError (`NOT_FOUND`) when the file does not exist
 * @throws AppError (`INTERNAL`) naming `path:line` when a row is not JSON or does not match `schema`
 */
export function readJsonl<T = unknown>(path: string, schema?: z.ZodType<T>): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw notFound(path, err);
    }
    throw err;
  }
  const rows: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() !== '') {
      rows.push(parseLine(path, i + 1, line, schema));
    }
  }
  return rows;
}

/**
 * Streams a JSON Lines file row by row, for files too large to hold as text.
 * @param path - file to read
 * @param schema - optional zod schema each row is validated with
 * @returns an async iterator over the rows, in file order
 * @throws NotFoundError (`NOT_FOUND`) when the file does not exist
 * @throws AppError (`INTERNAL`) naming `path:line` when a row is not JSON or does not match `schema`
 */
export async function* streamJsonl<T = unknown>(
  path: string,
  schema?: z.ZodType<T>,
): AsyncGenerator<T> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (err) =>
      reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? notFound(path, err) : err),
    );
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() !== '') {
        yield parseLine(path, lineNo, line, schema);
      }
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Writes rows of type `T`, one JSON object per line, to a temporary file renamed into place on `commit()`. */
export class JsonlWriter<T> {
  private count = 0;

  private constructor(private readonly out: AtomicFileWriter) {}

  /**
   * @param path - final path of the `.jsonl` file
   * @param options - fsync before the rename
   * @returns the open writer
   */
  static open<T>(path: string, options: AtomicWriteOptions = {}): JsonlWriter<T> {
    return new JsonlWriter<T>(AtomicFileWriter.open(path, options));
  }

  /** Rows written so far. */
  get rows(): number {
    return this.count;
  }

  /**
   * Appends one row.
   * @param row - a JSON-serialisable row
   * @throws AppError (`INTERNAL`) after commit() or abort()
   */
  write(row: T): void {
    this.out.write(`${JSON.stringify(row)}\n`);
    this.count += 1;
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
 * Writes all rows of a JSON Lines artifact atomically: a temporary file renamed into place, removed on error.
 * @param path - final path of the artifact
 * @param rows - rows in file order
 * @throws the write error, after removing the temporary file
 */
export function writeJsonl<T>(path: string, rows: Iterable<T>): void {
  const writer = JsonlWriter.open<T>(path);
  try {
    for (const row of rows) {
      writer.write(row);
    }
    writer.commit();
  } catch (err) {
    writer.abort();
    throw err;
  }
}
