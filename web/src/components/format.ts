/** @module Number and time formatting shared by the pages (seconds, counts, clock times). */

/**
 * @param s - seconds
 * @returns `12.3 s`, `4 min 05 s` or `1 h 02 min`
 */
export function formatDuration(s: number): string {
  if (s < 60) {
    return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  }
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * @param iso - ISO 8601 time
 * @returns local date and time, e.g. `21 Nov, 07:37:22`
 */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * @param n - a count
 * @returns the count with thousands separators
 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
