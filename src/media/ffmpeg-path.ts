/**
 * @module Where the `ffmpeg` and `ffprobe` executables are: env override, then PATH, then the optional npm packages.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { AppError } from '../errors.ts';

/** The two executables the media layer runs. */
export type MediaTool = 'ffmpeg' | 'ffprobe';

const ENV_OVERRIDE: Record<MediaTool, string> = {
  ffmpeg: 'SCREENALYTICS_FFMPEG',
  ffprobe: 'SCREENALYTICS_FFPROBE',
};

const NPM_PACKAGE: Record<MediaTool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

const requireCjs = createRequire(import.meta.url);

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    // Missing or not executable: the caller tries the next candidate.
    return false;
  }
}

function findOnPath(tool: MediaTool, pathVar: string | undefined): string | undefined {
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir !== '' && isExecutableFile(join(dir, exe))) {
      return join(dir, exe);
    }
  }
  return undefined;
}

function findInNpmPackage(tool: MediaTool): string | undefined {
  try {
    const { path } = requireCjs(NPM_PACKAGE[tool]) as { path: string };
    return isExecutableFile(path) ? path : undefined;
  } catch {
    // The optional dependency is absent or has no binary for this platform (it throws a string then).
    return undefined;
  }
}

/**
 * Absolute path of `ffmpeg` or `ffprobe`. Looked up, in order: env `SCREENALYTICS_FFMPEG` / `SCREENALYTICS_FFPROBE`,
 * the directories of `env.PATH` (no shell involved), then the optional npm packages `@ffmpeg-installer/ffmpeg` /
 * `@ffprobe-installer/ffprobe`. Not cached: a handful of `stat` calls per lookup.
 * @param tool - which executable
 * @param env - environment to read `PATH` and the overrides from; default: `process.env`
 * @returns path of an existing executable file
 * @throws AppError `INTERNAL` when the override does not name an executable file, or when no candidate is found
 */
export function resolveMediaTool(tool: MediaTool, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[ENV_OVERRIDE[tool]];
  if (override !== undefined && override !== '') {
    if (isExecutableFile(override)) {
      return override;
    }
    throw new AppError(
      'INTERNAL',
      500,
      `${ENV_OVERRIDE[tool]}="${override}" is not an executable file; point it at ${tool} or unset it`,
    );
  }
  const found = findOnPath(tool, env.PATH) ?? findInNpmPackage(tool);
  if (found !== undefined) {
    return found;
  }
  throw new AppError(
    'INTERNAL',
    500,
    `${tool} not found on PATH nor in node_modules; install it (\`apt-get install ffmpeg\`) or run \`npm install\``,
  );
}
