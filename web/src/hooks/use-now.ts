/** @module A clock that re-renders its component every second (heartbeat ages, elapsed times). */
import { useEffect, useState } from 'react';

/**
 * @param active - tick only while true
 * @returns the current time in milliseconds since the epoch
 */
export function useNow(active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) {
      return;
    }
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
