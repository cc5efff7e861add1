/**
 * @module Application errors with a stable code, an HTTP status and a message that names the fix.
 * This file imports nothing.
 */

/** Stable error codes; the CLI and the API map them to exit codes and HTTP statuses. */
export type ErrorCode =
  | 'INPUT_INVALID'
  | 'VIDEO_UNREADABLE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CANCELLED'
  | 'MODEL_INVALID'
  | 'DEVICE_UNAVAILABLE'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'MISDIRECTED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INSUFFICIENT_STORAGE'
  | 'INTERNAL';

/** Base class of every error the application raises on purpose. */
export class AppError extends Error {
  /**
   * @param code - stable machine-readable code
   * @param status - HTTP status the API answers with
   * @param message - one line: what is wrong and what to do
   * @param options - `cause`: the underlying error
   */
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a user: file, id, option. HTTP 400, CLI exit 2. */
export class InputError extends AppError {
  /** @param message - what is wrong and how to fix it */
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? 'INPUT_INVALID', 400, message, options);
  }
}

/** A named thing (episode, run, stage output) does not exist. HTTP 404, CLI exit 2. */
export class NotFoundError extends AppError {
  /** @param message - what was not found and how to create it */
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', 404, message, options);
  }
}

/** The operation conflicts with current state (stage already running, lock held). HTTP 409. */
export class ConflictError extends AppError {
  /** @param message - what conflicts */
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', 409, message, options);
  }
}

/** The work was cancelled through its AbortSignal. */
export class CancelledError extends AppError {
  /** @param message - what was cancelled */
  constructor(message = 'Cancelled', options?: { cause?: unknown }) {
    super('CANCELLED', 499, message, options);
  }
}

/** A model file is missing, corrupted (sha256 mismatch) or not of the expected shape. */
export class ModelError extends AppError {
  /** @param message - which model and how to restore it */
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? 'MODEL_INVALID', 500, message, options);
  }
}

/** True for errors caused by the user's input (CLI exit code 2, HTTP 4xx). */
export function isUserError(err: unknown): boolean {
  return (
    err instanceof AppError &&
    (err.status < 500 || err.code === 'DEVICE_UNAVAILABLE' || err.code === 'MODEL_INVALID')
  );
}
