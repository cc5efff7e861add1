/**
 * @module How often the UI reads the API again: often while a job of the page is active, rarely otherwise. These
 * are refresh cadences of the page, not pipeline settings (those come from `GET /config`).
 */

/** Milliseconds between refreshes while a job is active. */
export const ACTIVE_REFRESH_MS = 1000;

/** Milliseconds between refreshes while nothing runs. */
export const IDLE_REFRESH_MS = 5000;

/** Resolves after one active refresh interval (waiting on a queued job). */
export const nextRefresh = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ACTIVE_REFRESH_MS));
