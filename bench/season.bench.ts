/**
 * @module `npm run bench -- season`: a season of six 4-minute episodes cut from the sitcom clip of
 * `../shared/data/fotb/` (looped with `ffmpeg -stream_loop`, stream copy, then cut with stream copy), measured
 * (a) with `screenalytics run DIR` in one process, episode after episode, and (b) with `screenalytics run DIR --queue`
 * and 1, then 2 `screenalytics worker` processes (a throw-away queue prefix on the Redis of `REDIS_URL` or
 * 127.0.0.1:6379). Prints one JSON object: per scenario wall seconds, episodes per hour, CPU seconds and CPU busy
 * share of our processes (CPU seconds / (wall x cores)), the rest of the machine's share, peak RSS (the run's
 * process tree; per worker, its tree: the worker and its stage child), and the throughput of (b) relative to (a).
 *
 * `npm run bench -- season --netns` adds (c): the 2-worker queue scenario with each worker on its own host, a
 * network namespace of `test/hosts/` (own address and host name, the data directory shared as over NFS), Redis
 * and PostgreSQL throw-away servers reached over the host links (root only; the scenario reports why it cannot
 * run otherwise).
 *
 * Skips with a message (exit 0) when the clip is absent. Linux only (`/proc`). Run it on an otherwise idle machine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { resolveMediaTool } from '../src/media/index.ts';
import { removeQueueKeys } from '../test/helpers/redis.ts';
import { waitReady, WorkerHosts } from '../test/hosts/cluster.ts';
import { hostLabSupport } from '../test/hosts/netns.ts';
import { serviceSupport } from '../test/hosts/services.ts';
import { EPISODE_CACHE_DIR, ensureEpisode } from './episode-file.ts';
import { measureChild, sampleTree, type ChildMeasurement } from './timed-child.ts';

const execFileAsync = promisify(execFile);

/** The repository root (this file lies in `bench/`). */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The sitcom clip, relative to the repository root. */
const CLIP_PATH = '../shared/data/fotb/fresh_off_the_boat_clip.mp4';
/** Episodes in the season. */
const EPISODES = 6;
/** Length of each episode, seconds. */
const EPISODE_S = 240;
/** `-stream_loop` value: 18 plays of the 82 s clip, 24.6 minutes, enough for six 4-minute cuts. */
const LOOPS = 17;
/** Process-tree sampling interval, milliseconds. */
const SAMPLE_INTERVAL_MS = 200;
/** Show of the benchmark season. */
const SHOW = 'bench';
/**
 * What a worker prints once started: `ready` on the queue, or `waiting` for the data directory's announcement,
 * which `run DIR --queue` makes with its first job (no API runs here).
 */
const WORKER_STARTED = /worker \d+ (ready|waiting)/;

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
const CLI = join(REPO_ROOT, 'bin', 'screenalytics.js');

/** Cuts the looped clip into the season's episodes (cached; each written to a temporary name, then renamed). */
async function ensureSeason(clip: string): Promise<string> {
  const dir = join(EPISODE_CACHE_DIR, `season-${EPISODES}x${EPISODE_S}`);
  mkdirSync(dir, { recursive: true });
  const looped = await ensureEpisode(clip, LOOPS);
  for (let i = 0; i < EPISODES; i++) {
    const out = join(dir, `${SHOW} S01E${String(i + 1).padStart(2, '0')}.mp4`);
    if (existsSync(out)) {
      continue;
    }
    const partial = join(dir, `.partial-${i}.mp4`);
    try {
      await execFileAsync(resolveMediaTool('ffmpeg'), [
        ...['-hide_banner', '-v', 'error', '-y', '-ss', String(i * EPISODE_S), '-i', looped],
        ...['-t', String(EPISODE_S), '-c', 'copy', partial],
      ]);
      renameSync(partial, out);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return dir;
}

/** Figures of one scenario. */
interface Scenario {
  wall_s: number;
  episodes_per_hour: number;
  cpu_s: number;
  cpu_busy_share: number;
  other_cpu_share: number;
  peak_rss_mb: Record<string, number>;
}

function scenario(
  wallS: number,
  cpuS: number,
  otherS: number,
  peaks: Record<string, number>,
): Scenario {
  const cores = availableParallelism();
  return {
    wall_s: round(wallS, 1),
    episodes_per_hour: round((EPISODES * 3600) / wallS, 1),
    cpu_s: round(cpuS, 1),
    cpu_busy_share: round(cpuS / (wallS * cores), 3),
    other_cpu_share: round(otherS / (wallS * cores), 3),
    peak_rss_mb: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, round(v, 1)])),
  };
}

function checkExit(what: string, m: ChildMeasurement): void {
  if (m.code !== 0) {
    throw new Error(`${what} exited with ${m.code}:\n${m.stderr_tail}`);
  }
}

/** (a) `run DIR` in one process. */
async function measureLocal(dir: string, env: NodeJS.ProcessEnv): Promise<Scenario> {
  const args = [CLI, 'run', dir, '--show', SHOW, '--season', '1', '--profile', 'balanced'];
  const m = await measureChild(process.execPath, args, env, SAMPLE_INTERVAL_MS);
  checkExit('screenalytics run DIR', m);
  return scenario(m.wall_s, m.cpu_s, m.other_cpu_s, { run_tree: m.peak_tree_rss_mb });
}

/** Starts `count` workers on this machine; resolves once each has started (see {@link WORKER_STARTED}). */
function startWorkers(env: NodeJS.ProcessEnv, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, [CLI, 'worker'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return (await waitReady(child, WORKER_STARTED, 'worker')).proc.child;
    }),
  );
}

/** (b) `run DIR --queue` on this machine (environment `env`) with the workers `startWorkers` starts. */
async function measureQueue(
  dir: string,
  env: NodeJS.ProcessEnv,
  start: () => Promise<ChildProcess[]>,
): Promise<Scenario> {
  const workerProcs = await start();
  const peaks = workerProcs.map(() => 0);
  const before = workerProcs.map((w) => sampleTree(w.pid!).cpu_s);
  const timer = setInterval(() => {
    workerProcs.forEach((w, i) => (peaks[i] = Math.max(peaks[i]!, sampleTree(w.pid!).rss_mb)));
  }, SAMPLE_INTERVAL_MS);
  try {
    const args = [
      CLI,
      'run',
      dir,
      '--show',
      SHOW,
      '--season',
      '1',
      '--profile',
      'balanced',
      '--queue',
    ];
    const m = await measureChild(process.execPath, args, env, SAMPLE_INTERVAL_MS);
    checkExit('screenalytics run DIR --queue', m);
    const workerCpuS = workerProcs.reduce(
      (a, w, i) => a + sampleTree(w.pid!).cpu_s - before[i]!,
      0,
    );
    const rss: Record<string, number> = { client: m.peak_tree_rss_mb };
    peaks.forEach((p, i) => (rss[`worker_${i + 1}`] = p));
    return scenario(m.wall_s, m.cpu_s + workerCpuS, Math.max(0, m.other_cpu_s - workerCpuS), rss);
  } finally {
    clearInterval(timer);
    for (const w of workerProcs) {
      w.kill('SIGTERM');
    }
  }
}

/**
 * (c) `run DIR --queue` on this machine with one worker on each of two hosts (network namespaces), the queue and
 * the database on throw-away Redis and PostgreSQL servers reached over the host links.
 * @param env - environment of the scenario (its `SCREENALYTICS_*` variables go to every process)
 */
async function measureOnHosts(dir: string, env: NodeJS.ProcessEnv): Promise<Scenario> {
  const common = Object.fromEntries(
    Object.entries(env).filter(([k]) => k.startsWith('SCREENALYTICS_')),
  ) as Record<string, string>;
  const cluster = await WorkerHosts.start(2, common);
  try {
    return await measureQueue(dir, cluster.env(null), () =>
      Promise.all(
        cluster.hosts.map(async (h) => (await cluster.startWorker(h, WORKER_STARTED)).child),
      ),
    );
  } finally {
    cluster.close();
  }
}

/** Runs the season benchmark and prints its JSON on stdout. */
export async function runSeasonBench(): Promise<void> {
  const clip = join(REPO_ROOT, CLIP_PATH);
  if (!existsSync(clip)) {
    process.stderr.write(`bench season: the sitcom clip ${clip} is absent; skipped\n`);
    return;
  }
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.stderr.write(
    `bench season: ${EPISODES} episodes of ${EPISODE_S} s cut from the looped clip\n`,
  );
  const dir = await ensureSeason(clip);
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
  );
  const fresh = (): { env: NodeJS.ProcessEnv; dataDir: string; prefix: string } => {
    const dataDir = mkdtempSync(join(tmpdir(), 'screenalytics-bench-season-'));
    const prefix = `bench-${randomUUID()}`;
    const env = {
      ...base,
      SCREENALYTICS_DATA_DIR: dataDir,
      SCREENALYTICS_QUEUE_PREFIX: prefix,
      REDIS_URL: redisUrl,
    };
    return { env, dataDir, prefix };
  };
  const results: Record<string, Scenario | { error: string }> = {};
  const runs: [string, (env: NodeJS.ProcessEnv) => Promise<Scenario>][] = [
    ['local_run_dir', (env) => measureLocal(dir, env)],
    ['queue_1_worker', (env) => measureQueue(dir, env, () => startWorkers(env, 1))],
    ['queue_2_workers', (env) => measureQueue(dir, env, () => startWorkers(env, 2))],
  ];
  if (process.argv.includes('--netns')) {
    const unsupported = hostLabSupport() ?? serviceSupport();
    runs.push([
      'queue_2_workers_netns',
      (env) =>
        unsupported === null
          ? measureOnHosts(dir, env)
          : Promise.reject(new Error(`worker hosts cannot be made here: ${unsupported}`)),
    ]);
  }
  for (const [name, measure] of runs) {
    process.stderr.write(`bench season: ${name}\n`);
    const { env, dataDir, prefix } = fresh();
    try {
      results[name] = await measure(env);
    } catch (err) {
      // One failed scenario (a stage error) is reported in the JSON, its data directory kept for the job logs;
      // the others still run.
      const message = err instanceof Error ? err.message.slice(-2000) : String(err);
      results[name] = { error: `${message}\n(job logs kept in ${dataDir})` };
    } finally {
      if (!('error' in (results[name] ?? {}))) {
        rmSync(dataDir, { recursive: true, force: true });
      }
      await removeQueueKeys(prefix, redisUrl);
    }
  }
  const perHour = (name: string): number | null => {
    const r = results[name];
    return r && 'episodes_per_hour' in r ? r.episodes_per_hour : null;
  };
  const relative = (name: string): number | null => {
    const [a, b] = [perHour(name), perHour('local_run_dir')];
    return a === null || b === null ? null : round(a / b, 3);
  };
  const out = {
    season: { episodes: EPISODES, episode_s: EPISODE_S, folder: dir },
    machine: { cores: availableParallelism(), node: process.version },
    ...results,
    throughput_vs_local: Object.fromEntries(runs.slice(1).map(([name]) => [name, relative(name)])),
  };
  if (Object.values(results).some((r) => 'error' in r)) {
    process.exitCode = 1;
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSeasonBench();
}
