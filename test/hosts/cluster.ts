/**
 * @module Several worker hosts on this machine sharing one data directory, as the README's scale-out describes:
 * a {@link HostLab} of network namespaces, a throw-away Redis and PostgreSQL reachable on the machine's side of
 * every host link, `screenalytics worker` processes started on the hosts (each under its host's name), and
 * processes of the machine (the API, a CLI client) reaching the same servers on loopback. Used by
 * `test/hosts/two-hosts.test.ts` and `npm run bench -- season --netns`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { HostLab, type Host } from './netns.ts';
import { startPostgres, startRedis, type PostgresCluster } from './services.ts';

/** Repository root, where the processes run (this module is imported by the benchmark too, outside vitest). */
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** The `screenalytics` entry point. */
const CLI = join(REPO_ROOT, 'bin', 'screenalytics.js');
/** What a worker prints once it listens on the queue. */
const WORKER_READY = /worker \d+ ready/;

/** A screenalytics process started on the machine or on a host. */
export interface HostProc {
  /** The process (on a host: the command itself, every exec on the way keeps its pid). */
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output: () => string;
}

/**
 * Collects a child's output and resolves once it matches `ready`.
 * @returns the process and the match
 * @throws Error with the output when the child exits first
 */
export function waitReady(
  child: ChildProcess,
  ready: RegExp,
  what: string,
): Promise<{ proc: HostProc; match: RegExpMatchArray }> {
  let out = '';
  const proc: HostProc = { child, output: () => out };
  return new Promise((done, fail) => {
    const onData = (s: string): void => {
      out += s;
      const match = ready.exec(out);
      if (match) {
        done({ proc, match });
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) =>
      fail(new Error(`${what} exited ${code ?? signal}: ${out}`)),
    );
  });
}

/** Worker hosts with their servers. Close it (or let process exit do it) to remove all of it. */
export class WorkerHosts {
  private constructor(
    /** The namespaces. */
    readonly lab: HostLab,
    /** Port of the throw-away Redis. */
    readonly redisPort: number,
    /** The throw-away PostgreSQL. */
    readonly postgres: PostgresCluster,
    private readonly common: Record<string, string>,
  ) {}

  /**
   * Makes `count` hosts and starts Redis and PostgreSQL for them.
   * @param count - number of worker hosts
   * @param common - `SCREENALYTICS_*` variables of every process (data directory, queue prefix, config file, ...)
   * @returns the hosts, servers running
   * @throws Error from the lab or a server; what was made is removed first
   */
  static async start(count: number, common: Record<string, string>): Promise<WorkerHosts> {
    const lab = HostLab.create(count);
    try {
      const addresses = lab.hosts.map((h) => h.machineAddress);
      const subnets = lab.hosts.map((h) => h.subnet);
      const [redisPort, postgres] = await Promise.all([
        startRedis(lab, addresses),
        startPostgres(lab, addresses, subnets),
      ]);
      return new WorkerHosts(lab, redisPort, postgres, common);
    } catch (err) {
      lab.close();
      throw err;
    }
  }

  /** The hosts. */
  get hosts(): readonly Host[] {
    return this.lab.hosts;
  }

  /**
   * Environment of a screenalytics process: the caller's environment without its `SCREENALYTICS_*` variables, the
   * common ones, and `REDIS_URL` and `SCREENALYTICS_DATABASE_URL` at the address the process reaches them on.
   * @param host - the host it runs on, or null for the machine (loopback)
   */
  env(host: Host | null): NodeJS.ProcessEnv {
    const address = host?.machineAddress ?? '127.0.0.1';
    return {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('SCREENALYTICS_')),
      ),
      ...this.common,
      REDIS_URL: `redis://${address}:${this.redisPort}`,
      SCREENALYTICS_DATABASE_URL: this.postgres.url(address),
    };
  }

  /**
   * Starts `screenalytics ARGS` on the machine (owned by the lab).
   * @param args - e.g. `['serve', '--port', '0']`
   * @param ready - what it prints once the caller may go on
   * @returns the process and the match of `ready`
   */
  startOnMachine(
    args: readonly string[],
    ready: RegExp,
  ): Promise<{ proc: HostProc; match: RegExpMatchArray }> {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: this.env(null),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.lab.adopt(child.pid!);
    return waitReady(child, ready, `screenalytics ${args[0]}`);
  }

  /**
   * Starts `screenalytics worker` on a host; resolves once it listens on the queue (or prints `ready`).
   * @param host - the host
   * @param ready - what it prints when the caller may go on (default: it listens on the queue; a client without
   *   an API, `run --queue`, announces the data directory only with its first job, so wait for `waiting` then)
   * @throws Error with its output when it exits first (a data directory the API did not announce: exit 2)
   */
  async startWorker(host: Host, ready: RegExp = WORKER_READY): Promise<HostProc> {
    const child = this.lab.spawn(host, process.execPath, [CLI, 'worker'], {
      env: this.env(host),
      cwd: REPO_ROOT,
    });
    return (await waitReady(child, ready, `worker on ${host.name}`)).proc;
  }

  /** Stops everything: processes on the hosts and the machine, the servers, the namespaces. */
  close(): void {
    this.lab.close();
  }
}
