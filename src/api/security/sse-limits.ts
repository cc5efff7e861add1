/**
 * @module Caps on server-sent-event streams: at most `perClient` open at once per client address and `total` in
 * all; one more is answered 429 before the stream opens.
 */
import { AppError } from '../../errors.ts';

/** Counts open streams. */
export interface SseLimiter {
  /**
   * Takes a slot for a new stream.
   * @param client - the client's address
   * @returns the function that gives the slot back (call it once, when the stream closes)
   * @throws AppError 429 (`UNAVAILABLE`) when the client or the server is at its cap
   */
  acquire(client: string): () => void;
  /** Streams open now. */
  open(): number;
}

/**
 * @param perClient - most open streams per client address
 * @param total - most open streams in all
 * @returns the limiter
 */
export function makeSseLimiter(perClient: number, total: number): SseLimiter {
  const byClient = new Map<string, number>();
  let open = 0;
  return {
    acquire(client) {
      const mine = byClient.get(client) ?? 0;
      if (mine >= perClient || open >= total) {
        throw new AppError(
          'UNAVAILABLE',
          429,
          mine >= perClient
            ? `Too many event streams open from your address (${perClient}): close another page or tab first`
            : `Too many event streams open on this server (${total}): try again later`,
        );
      }
      byClient.set(client, mine + 1);
      open++;
      let released = false;
      return () => {
        if (released) {
          return;
        }
        released = true;
        open--;
        const left = (byClient.get(client) ?? 1) - 1;
        if (left === 0) {
          byClient.delete(client);
        } else {
          byClient.set(client, left);
        }
      };
    },
    open: () => open,
  };
}
