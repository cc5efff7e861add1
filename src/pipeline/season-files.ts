/**
 * @module The files of a season before anything is registered: each is probed (a file that is not a readable
 * video is set aside with the reason), the readable ones are numbered (episode-numbers.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { probeVideo, type VideoProbe } from '../media/index.ts';
import { numberEpisodes } from './episode-numbers.ts';

/** A file given for a season. */
export interface SeasonFileInput {
  /** Where the file is (absolute or relative to the working directory). */
  path: string;
  /** The name to number it by and to report it under (default: the base name of `path`; uploads: the client's name). */
  name?: string;
}

/** A readable video of the season with its episode number. */
export interface SeasonFile {
  /** Absolute path. */
  path: string;
  /** Name it was numbered by and is reported under. */
  name: string;
  /** Episode number within the season. */
  episode: number;
  /** ffprobe summary. */
  probe: VideoProbe;
}

/** A file set aside. */
export interface SkippedFile {
  /** Its name. */
  file: string;
  /** One line: why it is not a readable video. */
  reason: string;
}

/** The season's files, sorted out. */
export interface SeasonFiles {
  /** Readable videos, by episode number. */
  episodes: SeasonFile[];
  /** Files that are not readable videos, in the order given. */
  skipped: SkippedFile[];
}

/**
 * Lists the files of a folder (not hidden, not in subfolders), by name.
 * @param dir - the folder
 * @returns absolute paths
 * @throws InputError (`INPUT_INVALID`) when the folder cannot be read or holds no file
 */
export function listSeasonFolder(dir: string): string[] {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch (cause) {
    throw new InputError(`Cannot read folder "${dir}": ${String(cause)}`, { cause });
  }
  const files = names
    .filter((n) => !n.startsWith('.'))
    .map((n) => join(abs, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true)
    .sort();
  if (files.length === 0) {
    throw new InputError(`Folder "${dir}" holds no file: put the season's videos in it`);
  }
  return files;
}

/**
 * Probes every file, sets aside the unreadable ones, and numbers the rest. Writes nothing.
 * @param inputs - the files (at least one)
 * @returns readable episodes by number, and the skipped files with their reason
 * @throws InputError (`INPUT_INVALID`) when no file is given, when no file is a readable video (naming each
 *   reason), or when two readable files map to one episode number (naming both)
 */
export async function sortSeasonFiles(inputs: readonly SeasonFileInput[]): Promise<SeasonFiles> {
  if (inputs.length === 0) {
    throw new InputError('No video given: name a folder or one or more video files');
  }
  const readable: { path: string; name: string; probe: VideoProbe }[] = [];
  const skipped: SkippedFile[] = [];
  for (const input of inputs) {
    const path = resolve(input.path);
    const name = input.name ?? basename(path);
    try {
      readable.push({ path, name, probe: await probeVideo(path) });
    } catch (err) {
      if (!(err instanceof InputError)) {
        throw err;
      }
      // The probe names the file it read: an upload's staging path means nothing to the user, its name does.
      skipped.push({ file: name, reason: err.message.replaceAll(path, name) });
    }
  }
  if (readable.length === 0) {
    throw new InputError(
      `No readable video among ${inputs.length} file(s): ${skipped.map((s) => s.reason).join('; ')}`,
    );
  }
  const byName = new Map(readable.map((r) => [r.name, r]));
  if (byName.size !== readable.length) {
    throw new InputError('Two files share one name: give each episode file a distinct name');
  }
  const numbered = numberEpisodes(readable.map((r) => r.name));
  return {
    episodes: numbered.map(({ path: name, episode }) => ({ ...byName.get(name)!, episode })),
    skipped,
  };
}
