/**
 * @module Episode numbers of a season's files: from the file name (`S01E03`, `1x03`, `E03`, any case), else the
 * lowest numbers left free, in the files' natural sort order.
 */
import { basename, extname } from 'node:path';
import { InputError } from '../errors.ts';

/** Name patterns, tried in order; group 1 is the episode number. */
const PATTERNS: readonly RegExp[] = [
  /(?:^|[^a-z0-9])s\d{1,2}[ ._-]?e(\d{1,3})(?![0-9])/i,
  /(?:^|[^a-z0-9])\d{1,2}x(\d{1,3})(?![0-9])/i,
  /(?:^|[^a-z])(?:e|ep|episode)[ ._-]?(\d{1,3})(?![0-9])/i,
];

/** One file of a season with its episode number. */
export interface NumberedEpisode {
  /** The file, as given. */
  path: string;
  /** Episode number within the season, 1..999 (0 only when a file name says `E00`). */
  episode: number;
}

/**
 * Reads the episode number in a file name.
 * @param name - a file name or path, e.g. `Show.S01E03.720p.mp4`, `show 1x03.mkv`, `E03.mp4`
 * @returns the episode number (3 in these examples), or null when the name has none
 */
export function episodeNumberFromName(name: string): number | null {
  const stem = basename(name, extname(name));
  for (const pattern of PATTERNS) {
    const m = pattern.exec(stem);
    if (m?.[1] !== undefined) {
      return Number(m[1]);
    }
  }
  return null;
}

const naturalOrder = (a: string, b: string): number =>
  basename(a).localeCompare(basename(b), 'en', { numeric: true }) || a.localeCompare(b);

/**
 * Numbers a season's files: a file whose name holds a number keeps it; the others take the lowest numbers no
 * name uses (from 1), in natural sort order of their base names (`ep2` before `ep10`).
 * @param paths - the season's video files
 * @returns one entry per file, ordered by episode number
 * @throws InputError (`INPUT_INVALID`) naming both files when two of them map to the same number
 */
export function numberEpisodes(paths: readonly string[]): NumberedEpisode[] {
  const sorted = [...paths].sort(naturalOrder);
  const byNumber = new Map<number, string>();
  const unnamed: string[] = [];
  for (const path of sorted) {
    const episode = episodeNumberFromName(path);
    if (episode === null) {
      unnamed.push(path);
      continue;
    }
    const other = byNumber.get(episode);
    if (other !== undefined) {
      throw new InputError(
        `Two files map to episode ${episode}: ${other} and ${path}; rename one of them so that each episode number appears once`,
      );
    }
    byNumber.set(episode, path);
  }
  let next = 1;
  for (const path of unnamed) {
    while (byNumber.has(next)) {
      next++;
    }
    byNumber.set(next, path);
  }
  return [...byNumber.entries()]
    .sort(([a], [b]) => a - b)
    .map(([episode, path]) => ({ path, episode }));
}
