/**
 * @module Errors of the jobs layer that carry more than a message.
 */
import { AppError, ConflictError } from '../errors.ts';
import type { JobView } from './job-view.ts';

/** A stage of the episode already has an active job: HTTP 409 with that job's details. */
export class StageBusyError extends ConflictError {
  /**
   * @param message - what is running and what to do
   * @param job - the active job
   */
  constructor(
    message: string,
    readonly job: JobView,
  ) {
    super(message);
  }
}

/** Background jobs were asked for but Redis does not answer: HTTP 503. */
export class QueueUnavailableError extends AppError {
  /** @param options - `cause`: the connection error */
  constructor(options?: { cause?: unknown }) {
    super(
      'UNAVAILABLE',
      503,
      'Background jobs unavailable: start Redis and `screenalytics worker`, or use execution_mode local',
      options,
    );
  }
}
