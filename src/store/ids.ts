/**
 * @module Episode and run ids: validation (they become folder names) and construction.
 */
import { randomBytes } from 'node:crypto';
import { basename, extname } from 'node:path';
import { InputError } from '../errors.ts';
import type { EpisodeId, RunId } from '../types.ts';

/** `{show}-s{SS}e{EE}`: lower-case slug show, 2-digit season, 2- or 3-digit episode. */
const EPISODE_ID_RE = /^([a-z0-9][a-z0-9-]*)-s(\d{2})e(\d{2,3})$/;

/** `run-{YYYYMMDD}-{HHMMSS}-{4 random [a-z0-9]}`, UTC. */
const RUN_ID_RE = /^run-\d{8}-\d{6}-[a-z0-9]{4}$/;

/** Longest accepted episode id, in characters; keeps folder names portable. */
const MAX_EPISODE_ID_CHARS = 128;

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Lower-cases `text`, turns every run of characters other than `[a-z0-9]` into one `-`, and trims `-` at both ends.
 * @param text - any text, e.g. a show name `Fresh Off the Boat!`
 * @returns the slug, e.g. `fresh-off-the-boat`; empty when `text` has no letter or digit
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Validates an episode id coming from a user (CLI argument, URL, file name).
 * @param s - candidate id, e.g. `fotb-s01e11`
 * @returns `s`, typed as an EpisodeId
 * @throws InputError (`INPUT_INVALID`) when `s` is not `{show}-s{SS}e{EE}` in lower case (this rejects `/`, `..`)
 */
export function parseEpisodeId(s: string): EpisodeId {
  if (s.length > MAX_EPISODE_ID_CHARS || !EPISODE_ID_RE.test(s)) {
    throw new InputError(
      `Invalid episode id ${JSON.stringify(s)}: expected {show}-s{SS}e{EE} in lower case, e.g. fotb-s01e11`,
    );
  }
  return s;
}

/**
 * Splits a valid episode id into its parts.
 * @param epId - episode id, e.g. `fotb-s01e11`
 * @returns `{ show: 'fotb', season: 1, episode: 11 }`
 * @throws InputError (`INPUT_INVALID`) when `epId` is not a valid episode id
 */
export function splitEpisodeId(epId: string): { show: string; season: number; episode: number } {
  const m = EPISODE_ID_RE.exec(parseEpisodeId(epId));
  const [, show = '', season = '', episode = ''] = m ?? [];
  return { show, season: Number(season), episode: Number(episode) };
}

/**
 * Builds an episode id from its parts.
 * @param show - show name; slugified (`Fresh Off the Boat` becomes `fresh-off-the-boat`)
 * @param season - season number, 0..99
 * @param episode - episode number within the season, 0..999
 * @returns e.g. `fresh-off-the-boat-s01e11`
 * @throws InputError (`INPUT_INVALID`) when the show has no letter or digit or a number is out of range
 */
export function makeEpisodeId(show: string, season: number, episode: number): EpisodeId {
  const slug = slugify(show);
  if (slug === '') {
    throw new InputError(`Invalid show name ${JSON.stringify(show)}: it needs a letter or digit`);
  }
  if (!Number.isInteger(season) || season < 0 || season > 99) {
    throw new InputError(`Invalid season ${season}: expected an integer 0..99`);
  }
  if (!Number.isInteger(episode) || episode < 0 || episode > 999) {
    throw new InputError(`Invalid episode number ${episode}: expected an integer 0..999`);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return parseEpisodeId(`${slug}-s${pad(season)}e${pad(episode)}`);
}

/**
 * Fallback episode id for a video the user registered without one: the slug of the file's base name, kept as is
 * when it already is an episode id (`fotb-s01e11.mp4`), else followed by `-s01e01` (`franck.mp4` → `franck-s01e01`).
 * @param videoPath - path of the video file
 * @returns a valid episode id
 */
export function episodeIdFromVideo(videoPath: string): EpisodeId {
  const slug =
    slugify(basename(videoPath, extname(videoPath))).slice(0, MAX_EPISODE_ID_CHARS - 8) || 'video';
  return EPISODE_ID_RE.test(slug) ? slug : `${slug.replace(/-+$/, '')}-s01e01`;
}

/**
 * Validates a run id coming from a user.
 * @param s - candidate id, e.g. `run-20261121-065400-ab12`
 * @returns `s`, typed as a RunId
 * @throws InputError (`INPUT_INVALID`) when `s` is not of the form `newRunId` makes
 */
export function parseRunId(s: string): RunId {
  if (!RUN_ID_RE.test(s)) {
    throw new InputError(
      `Invalid run id ${JSON.stringify(s)}: expected run-{YYYYMMDD}-{HHMMSS}-{xxxx}, e.g. run-20261121-065400-ab12`,
    );
  }
  return s;
}

/**
 * Makes a new run id from the UTC time and 4 random characters; ids sort by creation time to the second.
 * @param now - creation time (default: the current time)
 * @returns e.g. `run-20261121-065400-ab12`
 */
export function newRunId(now: Date = new Date()): RunId {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = Array.from(
    randomBytes(4),
    (b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length],
  ).join('');
  return `run-${stamp}-${suffix}`;
}
