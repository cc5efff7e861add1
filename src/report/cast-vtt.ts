/**
 * @module The "who is on screen" WebVTT track of an episode: one cue per stretch of time in which the set of cast
 * members on screen stays the same, its text their names joined by ", " (alphabetical). Built from the live cast
 * intervals, so it follows the review at once.
 * @see https://www.w3.org/TR/webvtt1/
 */
import type { Interval } from '../types.ts';

/** A cast member's name and merged intervals, as the `cast` rows of the live screen time carry them. */
export interface NamedIntervals {
  /** Cast member's name. */
  name: string;
  /** Merged visible intervals `[start_s, end_s]`, seconds. */
  intervals: readonly Interval[];
}

/** One cue of the track. */
export interface OnScreenCue {
  /** Start, seconds. */
  start_s: number;
  /** End, seconds (greater than `start_s`). */
  end_s: number;
  /** Names of the cast members on screen, alphabetical. */
  names: string[];
}

/**
 * Splits time into stretches with one set of cast members on screen; stretches with nobody are left out, and
 * neighbouring stretches with the same set are joined.
 * @param cast - each cast member's name and intervals (seconds)
 * @returns cues ordered by start, not overlapping
 */
export function onScreenCues(cast: readonly NamedIntervals[]): OnScreenCue[] {
  const bounds = [...new Set(cast.flatMap((c) => c.intervals.flatMap(([a, b]) => [a, b])))].sort(
    (x, y) => x - y,
  );
  const cues: OnScreenCue[] = [];
  for (let k = 0; k + 1 < bounds.length; k += 1) {
    const start = bounds[k]!;
    const end = bounds[k + 1]!;
    const mid = (start + end) / 2;
    const names = cast
      .filter((c) => c.intervals.some(([a, b]) => a <= mid && mid < b))
      .map((c) => c.name)
      .sort((x, y) => x.localeCompare(y));
    if (names.length === 0) {
      continue;
    }
    const last = cues.at(-1);
    if (last && last.end_s === start && last.names.join('\n') === names.join('\n')) {
      last.end_s = end;
    } else {
      cues.push({ start_s: start, end_s: end, names });
    }
  }
  return cues;
}

/**
 * @param seconds - a time in seconds, at least 0
 * @returns WebVTT timestamp `HH:MM:SS.mmm`
 */
export function vttTimestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (v: number, n: number): string => String(v).padStart(n, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ms % 1000, 3)}`;
}

const escapeCueText = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * The WebVTT file of who is on screen.
 * @param live - the episode's live cast screen time (`episodeCastScreentime`), or any value with its `cast` rows
 * @returns the file's text: a `WEBVTT` header, then one numbered cue per stretch (names escaped for cue text)
 */
export function castVtt(live: { cast: readonly NamedIntervals[] }): string {
  const cues = onScreenCues(live.cast);
  const blocks = cues.map(
    (c, i) =>
      `${i + 1}\n${vttTimestamp(c.start_s)} --> ${vttTimestamp(c.end_s)}\n${escapeCueText(c.names.join(', '))}\n`,
  );
  return ['WEBVTT\n', ...blocks].join('\n');
}
