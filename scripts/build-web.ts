/**
 * @module `npm run build:web`, also run by the `prepare` lifecycle script (so a plain `npm install` or `npm ci`
 * in the project builds the UI) and by `npm test`: the Vite build of `web/` into `web/dist`, skipped when every
 * file the last build read (as Vite listed them), `web/index.html`, the Vite config and `package-lock.json` are
 * byte for byte what they were. Usage: `tsx scripts/build-web.ts [--out-dir DIR] [--force] [--keep-going]`
 * (`--keep-going`: a failed build is reported and exits 0).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Plugin } from 'vite';

/** Repository root. */
const ROOT = resolve(import.meta.dirname, '..');

/** Files that shape the build besides the modules Vite reads (dependency versions through the lock file). */
const ALWAYS_INPUTS = ['web/index.html', 'web/vite.config.ts', 'package-lock.json'];

/** What a build leaves behind to decide whether the next one can be skipped. */
interface BuildStamp {
  /** Output folder, absolute. */
  out_dir: string;
  /** Repository-relative paths of the files the build read (outside `node_modules`), sorted. */
  inputs: string[];
  /** sha256 (hex) over the paths and contents of `inputs`. */
  sha256: string;
}

/**
 * Where the stamp of a build lives: out of the served folder, under `node_modules/.cache`.
 * @param outDir - output folder of the build, absolute
 * @returns the stamp's path (a JSON file; absent before the first build)
 */
export function webBuildStampPath(outDir: string): string {
  const key = createHash('sha256').update(outDir).digest('hex').slice(0, 16);
  return join(ROOT, 'node_modules', '.cache', 'screenalytics-web', `${key}.json`);
}

/**
 * Hashes files by path and content.
 * @param inputs - repository-relative paths; a missing file hashes as missing
 * @returns sha256 hex digest
 */
export function hashInputs(inputs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const rel of [...inputs].sort()) {
    const abs = join(ROOT, rel);
    hash.update(`${rel}\0`);
    hash.update(existsSync(abs) ? readFileSync(abs) : '\0missing\0');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * @param outDir - output folder, absolute
 * @returns true when `outDir/index.html` exists and the stamp of the build that wrote it still matches its inputs
 */
export function isWebBuildCurrent(outDir: string): boolean {
  const path = webBuildStampPath(outDir);
  if (!existsSync(join(outDir, 'index.html')) || !existsSync(path)) {
    return false;
  }
  try {
    const stamp = JSON.parse(readFileSync(path, 'utf8')) as BuildStamp;
    return stamp.out_dir === outDir && hashInputs(stamp.inputs) === stamp.sha256;
  } catch {
    // An unreadable stamp only means the build cannot be proven current: build again.
    return false;
  }
}

/** Collects the source files (outside node_modules) that Vite read for the bundle. */
function recordInputs(into: Set<string>): Plugin {
  return {
    name: 'screenalytics-record-inputs',
    buildEnd() {
      for (const id of this.getModuleIds()) {
        const file = id.split('?')[0]!;
        if (isAbsolute(file) && file.startsWith(ROOT) && !file.includes('/node_modules/')) {
          into.add(relative(ROOT, file));
        }
      }
    },
  };
}

/**
 * Builds the web UI unless the last build into the same folder is current.
 * @param opts - `outDir`: output folder (default: `web/dist`, what `screenalytics serve` serves); `force`: build
 *   even when current
 * @returns `built`, `current` (skipped), or `no-vite` (Vite, a dev dependency, is not installed, e.g. after
 *   `npm ci --omit=dev`: nothing built), and the output folder
 * @throws whatever Vite throws for a failed build (the stamp is then left as it was)
 */
export async function buildWeb(
  opts: { outDir?: string; force?: boolean } = {},
): Promise<{ result: 'built' | 'current' | 'no-vite'; outDir: string }> {
  const outDir = resolve(opts.outDir ?? join(ROOT, 'web', 'dist'));
  if (!opts.force && isWebBuildCurrent(outDir)) {
    return { result: 'current', outDir };
  }
  let build: typeof import('vite').build;
  try {
    ({ build } = await import('vite'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') {
      throw err;
    }
    return { result: 'no-vite', outDir };
  }
  const inputs = new Set(ALWAYS_INPUTS);
  await build({
    configFile: join(ROOT, 'web', 'vite.config.ts'),
    build: { outDir },
    logLevel: 'warn',
    plugins: [recordInputs(inputs)],
  });
  const sorted = [...inputs].sort();
  const stamp: BuildStamp = { out_dir: outDir, inputs: sorted, sha256: hashInputs(sorted) };
  mkdirSync(join(webBuildStampPath(outDir), '..'), { recursive: true });
  writeFileSync(webBuildStampPath(outDir), `${JSON.stringify(stamp, null, 1)}\n`);
  return { result: 'built', outDir };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      'out-dir': { type: 'string' },
      force: { type: 'boolean' },
      'keep-going': { type: 'boolean' },
    },
  });
  const startedMs = Date.now();
  try {
    const { result, outDir } = await buildWeb({ outDir: values['out-dir'], force: values.force });
    const where = relative(process.cwd(), outDir) || '.';
    const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
    process.stdout.write(
      {
        built: `web UI built in ${where} (${seconds} s)\n`,
        current: `web UI in ${where} is current (its sources are unchanged since it was built)\n`,
        'no-vite': `web UI not built: vite (a dev dependency) is not installed; run npm install without --omit=dev\n`,
      }[result],
    );
  } catch (err) {
    // --keep-going (the prepare script): a UI that does not build must not fail the dependency install that
    // triggered it; npm test builds again without it and fails there.
    if (!values['keep-going']) {
      throw err;
    }
    process.stderr.write(
      `web UI not built: ${err instanceof Error ? err.message : String(err)}\nfix it, then run npm run build:web\n`,
    );
  }
}
