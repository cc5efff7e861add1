/**
 * @module What `npm install` / `npm ci` leave behind, checked through npm itself: the `prepare` lifecycle script
 * builds the web UI that `screenalytics serve` then serves (in a copy of the project, so the shared `web/dist` is
 * never rebuilt under other tests), a second build with unchanged sources is skipped (so `npm test` after `npm ci`
 * does not build twice), and onnxruntime-node's install script (the CUDA download) is denied through
 * `allowScripts`, with no `.npmrc` key npm warns about.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webBuildStampPath } from '../../scripts/build-web.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const NPM_WARNING = 'Unknown project config';

interface Npm {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs npm in `cwd` without the caller's `npm_*` variables (vitest may itself run under `npm test`). */
function npm(args: readonly string[], cwd: string, env: Record<string, string> = {}): Npm {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')),
  );
  const res = spawnSync('npm', args, {
    cwd,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Serves the copy with `screenalytics serve --port 0` and resolves its base URL. */
function serve(root: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'screenalytics.js'), 'serve', '--port', '0'],
    {
      cwd: root,
      env: { ...process.env, SCREENALYTICS_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((done, fail) => {
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        done({ child, url: m[1]! });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe('npm install lifecycle', () => {
  let tmp = '';
  let copy = '';
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    tmp = await makeTempDir('sa-install-');
    copy = join(tmp, 'project');
    // The project as a clone has it: sources, web sources without a build, the manifest and lock file; the
    // installed dependencies and the vendored models are linked, not copied.
    for (const p of [
      'bin',
      'src',
      'scripts',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
    ]) {
      cpSync(join(REPO_ROOT, p), join(copy, p), { recursive: true });
    }
    cpSync(join(REPO_ROOT, 'web'), join(copy, 'web'), {
      recursive: true,
      filter: (src) => !src.startsWith(join(REPO_ROOT, 'web', 'dist')),
    });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
    symlinkSync(join(REPO_ROOT, 'models'), join(copy, 'models'));
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    if (copy !== '') {
      rmSync(webBuildStampPath(join(copy, 'web', 'dist')), { force: true });
    }
    await removeTempDir(tmp);
  });

  it('builds the web UI that serve serves when npm runs the prepare script after an install', async () => {
    expect(existsSync(join(copy, 'web', 'dist'))).toBe(false);
    const res = npm(['run', 'prepare'], copy);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('web UI built in');

    const dataDir = join(tmp, 'data');
    const served = await serve(copy, dataDir);
    server = served.child;
    const page = await (await fetch(`${served.url}/ui/episodes`)).text();
    expect(page).not.toContain('not built');
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(page)?.[1];
    expect(script, page).toBeDefined();
    const js = await fetch(`${served.url}${script}`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(10_000);
  });

  it('skips the second build when nothing it read has changed, as npm test does after npm ci', () => {
    const index = join(copy, 'web', 'dist', 'index.html');
    const builtMs = statSync(index).mtimeMs;
    const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // npm test builds through the same script, before vitest: after npm ci that build is the skipped one.
    expect(pkg.scripts.test).toMatch(/npm run build:web && .*vitest run/);
    const res = npm(['run', 'build:web'], copy);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('is current');
    expect(statSync(index).mtimeMs).toBe(builtMs);
  });

  it('denies the onnxruntime-node install script (CUDA download) without an npm config warning', async () => {
    // npm rebuild, in a throwaway project with this project's allowScripts and a copy of the package without its
    // binaries: were the install script (or any lifecycle script of the package) to run, it would fail there (its
    // own dependencies are absent, and downloads go to a proxy that refuses), so npm rebuild would fail too.
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
    };
    const ortDir = join(REPO_ROOT, 'node_modules', 'onnxruntime-node');
    const ort = JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')) as {
      version: string;
      scripts: Record<string, string>;
    };
    expect(ort.scripts.postinstall).toBeDefined();
    const probe = join(tmp, 'allow-scripts-probe');
    const probeOrt = join(probe, 'node_modules', 'onnxruntime-node');
    for (const p of ['package.json', 'script']) {
      cpSync(join(ortDir, p), join(probeOrt, p), { recursive: true });
    }
    await writeFile(
      join(probe, 'package.json'),
      JSON.stringify({
        name: 'allow-scripts-probe',
        version: '1.0.0',
        private: true,
        dependencies: { 'onnxruntime-node': ort.version },
        allowScripts: root.allowScripts,
      }),
    );
    const res = npm(['rebuild', 'onnxruntime-node', '--foreground-scripts'], probe, {
      GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9',
      GLOBAL_AGENT_HTTP_PROXY: 'http://127.0.0.1:9',
    });
    expect(res.code, res.stderr).toBe(0);
    expect(`${res.stdout}${res.stderr}`).not.toContain('> onnxruntime-node@');
    expect(root.allowScripts['onnxruntime-node']).toBe(false);

    // And no project config key npm does not know (the old `.npmrc` skip flag was one).
    const policy = npm(['pkg', 'get', 'name'], REPO_ROOT);
    expect(policy.code, policy.stderr).toBe(0);
    expect(policy.stderr).not.toContain(NPM_WARNING);
  });
});
