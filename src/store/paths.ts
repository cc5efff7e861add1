/**
 * @module The data-directory layout of DESIGN.md as functions: the one place that knows where each file lives.
 */
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { STAGES, type EpisodeId, type RunId, type Stage } from '../types.ts';
import { parseEpisodeId, parseRunId } from './ids.ts';

/** File name of the SQLite database at the root of the data directory. */
const DB_FILE = 'screenalytics.db';

function checkStage(stage: Stage): Stage {
  if (!STAGES.includes(stage)) {
    throw new InputError(
      `Invalid stage ${JSON.stringify(stage)}: expected one of ${STAGES.join(', ')}`,
    );
  }
  return stage;
}

function checkIndex(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InputError(`Invalid ${name} ${n}: expected an integer >= 0`);
  }
  return n;
}

/**
 * @param dataDir - root of the data directory (`config.data_dir`)
 * @returns `{dataDir}/screenalytics.db`
 */
export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

/**
 * @param dataDir - root of the data directory
 * @param epId - episode id, validated
 * @returns `{dataDir}/episodes/{ep_id}`
 * @throws InputError (`INPUT_INVALID`) when `epId` is not a valid episode id
 */
export function episodeDir(dataDir: string, epId: EpisodeId): string {
  return join(dataDir, 'episodes', parseEpisodeId(epId));
}

/**
 * @returns `episodes/{ep_id}/source.json` under `dataDir`
 * @throws InputError on a bad `epId`
 */
export function sourceJson(dataDir: string, epId: EpisodeId): string {
  return join(episodeDir(dataDir, epId), 'source.json');
}

/**
 * @returns `episodes/{ep_id}/runtime.json` under `dataDir`
 * @throws InputError on a bad `epId`
 */
export function runtimeJson(dataDir: string, epId: EpisodeId): string {
  return join(episodeDir(dataDir, epId), 'runtime.json');
}

/**
 * @returns `episodes/{ep_id}/locks/{stage}.lock` under `dataDir`
 * @throws InputError on a bad `epId` or stage
 */
export function lockFile(dataDir: string, epId: EpisodeId, stage: Stage): string {
  return join(episodeDir(dataDir, epId), 'locks', `${checkStage(stage)}.lock`);
}

/**
 * @returns `episodes/{ep_id}/runs` under `dataDir`, the parent of every run folder
 * @throws InputError on a bad `epId`
 */
export function runsDir(dataDir: string, epId: EpisodeId): string {
  return join(episodeDir(dataDir, epId), 'runs');
}

/**
 * @param dataDir - root of the data directory
 * @param epId - episode id, validated
 * @param runId - run id, validated
 * @returns `{dataDir}/episodes/{ep_id}/runs/{run_id}`
 * @throws InputError (`INPUT_INVALID`) when an id is invalid
 */
export function runDir(dataDir: string, epId: EpisodeId, runId: RunId): string {
  return join(runsDir(dataDir, epId), parseRunId(runId));
}

/** Every artifact path of one run (absolute when `dataDir` is). */
export interface RunPaths {
  /** The run folder. */
  dir: string;
  /** Stage marker `markers/{stage}.json` (a folder of its own: `screentime.json` is the screen-time artifact). */
  marker(stage: Stage): string;
  /** `progress.json` of the stage running now. */
  progress: string;
  /** `checkpoints/{stage}.json`: where a resumable stage keeps its position; removed when the stage ends. */
  checkpoint(stage: Stage): string;
  /** `logs/`. */
  logsDir: string;
  /** `logs/{stage}.jsonl`. */
  log(stage: Stage): string;
  /** `detections.jsonl`: one Detection per line. */
  detections: string;
  /** `tracks.jsonl`: one track per line. */
  tracks: string;
  /** `track_metrics.json`. */
  trackMetrics: string;
  /** `shots.json`: shot cuts found by detect_track. */
  shots: string;
  /** `faces.jsonl`: one face sample per line. */
  faces: string;
  /** `embeddings.f32`: N x dim float32 little-endian, row i = faces.jsonl line i. */
  embeddings: string;
  /** `crops/`. */
  cropsDir: string;
  /** `crops/{track_id}/{frame_idx}.jpg`, the aligned crop of a face sample (source-video frame index). */
  crop(trackId: number, frameIdx: number): string;
  /** `thumbs/`. */
  thumbsDir: string;
  /** `thumbs/{track_id}.webp`. */
  thumb(trackId: number): string;
  /** `identities.json`: clustering output. */
  identities: string;
  /** `screentime.json`. */
  screentime: string;
  /** `screentime.csv`. */
  screentimeCsv: string;
  /** `timeline.csv`. */
  timelineCsv: string;
  /** `cast_screentime.csv`: seconds per cast member (screentime, after review). */
  castScreentimeCsv: string;
  /** `cast_timeline.csv`: per-second coverage per cast member. */
  castTimelineCsv: string;
  /** `cleanup_report.json`: the last Episode/Cluster Cleanup applied to the run's review (src/review/cleanup.ts). */
  cleanupReport: string;
}

/**
 * @param dataDir - root of the data directory
 * @param epId - episode id, validated
 * @param runId - run id, validated
 * @returns the artifact paths of the run; the functions validate stage names and ids (non-negative integers)
 * @throws InputError (`INPUT_INVALID`) when an id is invalid
 */
export function runPaths(dataDir: string, epId: EpisodeId, runId: RunId): RunPaths {
  const dir = runDir(dataDir, epId, runId);
  const at = (name: string) => join(dir, name);
  return {
    dir,
    marker: (stage) => join(dir, 'markers', `${checkStage(stage)}.json`),
    progress: at('progress.json'),
    checkpoint: (stage) => join(dir, 'checkpoints', `${checkStage(stage)}.json`),
    logsDir: at('logs'),
    log: (stage) => join(dir, 'logs', `${checkStage(stage)}.jsonl`),
    detections: at('detections.jsonl'),
    tracks: at('tracks.jsonl'),
    trackMetrics: at('track_metrics.json'),
    shots: at('shots.json'),
    faces: at('faces.jsonl'),
    embeddings: at('embeddings.f32'),
    cropsDir: at('crops'),
    crop: (trackId, frameIdx) =>
      join(
        dir,
        'crops',
        String(checkIndex('track id', trackId)),
        `${checkIndex('frame index', frameIdx)}.jpg`,
      ),
    thumbsDir: at('thumbs'),
    thumb: (trackId) => join(dir, 'thumbs', `${checkIndex('track id', trackId)}.webp`),
    identities: at('identities.json'),
    screentime: at('screentime.json'),
    screentimeCsv: at('screentime.csv'),
    timelineCsv: at('timeline.csv'),
    castScreentimeCsv: at('cast_screentime.csv'),
    castTimelineCsv: at('cast_timeline.csv'),
    cleanupReport: at('cleanup_report.json'),
  };
}
