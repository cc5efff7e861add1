/**
 * @module Rounding of the numbers the stages write into artifacts (fewer digits, stable files).
 */

/**
 * Rounds to a number of decimal places.
 * @param value - any finite number
 * @param digits - decimal places to keep
 * @returns `value` rounded half away from zero at `digits` decimals (as `Math.round` does)
 */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
