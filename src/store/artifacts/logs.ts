/**
 * @module Stage logs `runs/{run_id}/logs/{stage}.jsonl`: structured lines appended synchronously, so that a crash
 * keeps everything logged before it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';

/** Log levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One log line: `ts`, `level`, `msg` (`noun.verb`, e.g. `stage.started`), optional `noisy`, any other fields. */
export const logLineSchema = z.looseObject({
  /** Time, ISO 8601 UTC. */
  ts: z.iso.datetime(),
  /** Level. */
  level: z.enum(LOG_LEVELS),
  /** Message, `noun.verb`. */
  msg: z.string(),
  /** True for high-volume lines (per frame, per batch) that the UI hides by default. */
  noisy: z.boolean().optional(),
});

/** One log line. */
export type LogLine = z.infer<typeof logLineSchema>;

/** Extra fields of a log line; `noisy: true` marks a high-volume line. */
export type LogFields = Record<string, unknown> & { noisy?: boolean };

/** Options of a StageLog. */
export interface StageLogOptions {
  /** Called with every line after it is written (e.g. to echo to the terminal). */
  onLine?: (line: LogLine) => void;
  /** Clock (default: the current time); tests pass a fixed one. */
  now?: () => Date;
}

/** Appends structured lines to one stage's log file; every line is written with one synchronous write(2). */
export class StageLog {
  private fd: number | null;

  /**
   * Opens `path` for appending, creating its folder.
   * @param path - `runPaths(...).log(stage)`
   * @param options - echo callback, clock
   */
  constructor(
    readonly path: string,
    private readonly options: StageLogOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /**
   * Appends one line. Lines logged after close() are dropped.
   * @param level - severity
   * @param msg - `noun.verb` message
   * @param fields - extra JSON-serialisable fields; they cannot override `ts`, `level`, `msg`
   * @returns the line written
   */
  log(level: LogLevel, msg: string, fields: LogFields = {}): LogLine {
    const line: LogLine = {
      ...fields,
      ts: (this.options.now?.() ?? new Date()).toISOString(),
      level,
      msg,
    };
    if (this.fd !== null) {
      writeSync(this.fd, `${JSON.stringify(line)}\n`);
    }
    this.options.onLine?.(line);
    return line;
  }

  /**
   * Appends a `debug` line.
   * @param msg - `noun.verb` message
   * @param fields - extra fields
   * @returns the line written
   */
  debug(msg: string, fields?: LogFields): LogLine {
    return this.log('debug', msg, fields);
  }

  /**
   * Appends an `info` line.
   * @param msg - `noun.verb` message
   * @param fields - extra fields
   * @returns the line written
   */
  info(msg: string, fields?: LogFields): LogLine {
    return this.log('info', msg, fields);
  }

  /**
   * Appends a `warn` line.
   * @param msg - `noun.verb` message
   * @param fields - extra fields
   * @returns the line written
   */
  warn(msg: string, fields?: LogFields): LogLine {
    return this.log('warn', msg, fields);
  }

  /**
   * Appends an `error` line.
   * @param msg - `noun.verb` message
   * @param fields - extra fields
   * @returns the line written
   */
  error(msg: string, fields?: LogFields): LogLine {
    return this.log('error', msg, fields);
  }

  /** Closes the file; later lines only reach `onLine`. */
  close(): void {
    if (this.fd === null) {
      return;
    }
    closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * Reads a stage log. A last line cut short by a crash is skipped; other malformed lines are skipped too, since a
 * log is read to diagnose, not to compute.
 * @param path - `runPaths(...).log(stage)`
 * @returns the lines, oldest first
 * @throws NotFoundError (`NOT_FOUND`) when the stage never logged in this run
 */
export function readStageLog(path: string): LogLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`No log at ${path}: the stage has not run in this run`, {
        cause: err,
      });
    }
    throw err;
  }
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') {
      continue;
    }
    try {
      const parsed = logLineSchema.safeParse(JSON.parse(raw));
      if (parsed.success) {
        lines.push(parsed.data);
      }
    } catch {
      // A torn line (crash mid-write) or foreign text: skip it, the rest of the log is still worth reading.
    }
  }
  return lines;
}
