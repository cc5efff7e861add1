/**
 * @module Registering an episode: validate the id, probe the video (bad input fails before anything is written),
 * record it in the database and `source.json`.
 */
import { resolve } from 'node:path';
import { probeVideo } from '../media/index.ts';
import {
  episodeIdFromVideo,
  makeEpisodeId,
  parseEpisodeId,
  sourceJson,
  upsertEpisode,
  writeSource,
  type Db,
  type SourceJson,
} from '../store/index.ts';
import type { EpisodeId } from '../types.ts';

/** How the caller names the episode: an explicit id, show/season/episode, or nothing (named after the file). */
export interface EpisodeNaming {
  /** Explicit `ep_id` (validated). */
  epId?: string;
  /** Show name, with `season` and `episode`. */
  show?: string;
  /** Season number. */
  season?: number;
  /** Episode number. */
  episode?: number;
  /** Optional title. */
  title?: string;
}

/**
 * Derives the episode id from the naming options.
 * @throws InputError (`INPUT_INVALID`) when the id is malformed, or show is given without season and episode
 */
export function resolveEpisodeId(videoPath: string, naming: EpisodeNaming): EpisodeId {
  if (naming.epId !== undefined) {
    return parseEpisodeId(naming.epId);
  }
  if (naming.show !== undefined) {
    return makeEpisodeId(naming.show, naming.season ?? Number.NaN, naming.episode ?? Number.NaN);
  }
  return episodeIdFromVideo(videoPath);
}

/**
 * Registers (or re-registers) an episode's video.
 * @param dataDir - data directory
 * @param db - open database
 * @param videoPath - path of the video file
 * @param naming - id or show/season/episode
 * @returns the episode id and its `source.json`
 * @throws InputError (`INPUT_INVALID` for ids, `VIDEO_UNREADABLE` for the file) before anything is written
 */
export async function registerEpisode(
  dataDir: string,
  db: Db,
  videoPath: string,
  naming: EpisodeNaming,
): Promise<{ epId: EpisodeId; source: SourceJson }> {
  const epId = resolveEpisodeId(videoPath, naming);
  const absPath = resolve(videoPath);
  const probe = await probeVideo(absPath);
  const source: SourceJson = {
    schema_version: 1,
    ep_id: epId,
    video_path: absPath,
    registered_at: new Date().toISOString(),
    probe,
  };
  await upsertEpisode(db, {
    ep_id: epId,
    video_path: absPath,
    title: naming.title,
    show_name: naming.show,
  });
  writeSource(sourceJson(dataDir, epId), source);
  return { epId, source };
}
