/**
 * @module Throttle of password guessing: after `maxFailures` failed sign-ins for one name, or four times that from
 * one client address, within `windowMs`, further attempts are answered 429 until the window has passed. Kept in
 * this process's memory (a restart forgets it; argon2 still costs every guess about 50 ms of CPU).
 */
import { AppError } from '../../errors.ts';

/** Counts failed sign-ins. */
export interface SignInThrottle {
  /**
   * @param name - the name tried
   * @param client - the client's address
   * @throws AppError 429 (`UNAVAILABLE`) while the name or the address is throttled
   */
  check(name: string, client: string): void;
  /** Records a failed attempt. */
  fail(name: string, client: string): void;
  /** Clears the name's failures after a successful sign-in. */
  succeed(name: string): void;
}

/**
 * @param maxFailures - failures per name within the window (per address: four times as many)
 * @param windowMs - window in milliseconds
 * @param now - clock (tests)
 * @returns the throttle
 */
export function makeSignInThrottle(
  maxFailures = 5,
  windowMs = 15 * 60_000,
  now: () => number = Date.now,
): SignInThrottle {
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const kept = (failures.get(key) ?? []).filter((t) => now() - t < windowMs);
    if (kept.length === 0) {
      failures.delete(key);
    } else {
      failures.set(key, kept);
    }
    return kept;
  };
  return {
    check(name, client) {
      if (
        recent(`n:${name}`).length >= maxFailures ||
        recent(`a:${client}`).length >= maxFailures * 4
      ) {
        throw new AppError(
          'UNAVAILABLE',
          429,
          `Too many failed sign-ins: wait ${Math.ceil(windowMs / 60_000)} minutes, or ask an admin`,
        );
      }
    },
    fail(name, client) {
      for (const key of [`n:${name}`, `a:${client}`]) {
        failures.set(key, [...recent(key), now()]);
      }
    },
    succeed(name) {
      failures.delete(`n:${name}`);
    },
  };
}
