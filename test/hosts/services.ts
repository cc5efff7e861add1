/**
 * @module Throw-away servers for lab hosts ({@link HostLab}): a Redis and a PostgreSQL cluster started for one test
 * or benchmark run on free ports, listening on the machine's loopback and on the machine's side of every host link
 * (`10.77.X.1`), with nothing persisted. The lab owns them: they are stopped and their folders removed when it
 * closes, or by the next lab's sweep when their owner was killed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PG_BIN_DIR, type HostLab } from './netns.ts';

/**
 * Says whether the servers can be started here.
 * @returns null when `redis-server`, `runuser`, the `postgres` user and the PostgreSQL 15 binaries are there, else
 *   what is missing (one line, for the skip message)
 */
export function serviceSupport(): string | null {
  const which = (cmd: string): boolean => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!which('redis-server')) {
    return 'redis-server is not installed (Debian: apt-get install redis-server)';
  }
  if (!which('runuser')) {
    return 'runuser is not installed (util-linux)';
  }
  if (!existsSync(join(PG_BIN_DIR, 'initdb'))) {
    return `PostgreSQL 15 is not installed (${PG_BIN_DIR}/initdb; Debian: apt-get install postgresql-15)`;
  }
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    return 'there is no postgres user to run initdb as';
  }
  return null;
}

/** @returns a TCP port free on the machine at the time of the call */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP port');
  }
  return address.port;
}

/** Resolves once `address:port` accepts a TCP connection; throws after `limitMs`. */
async function waitListening(address: string, port: number, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  for (;;) {
    const ok = await new Promise<boolean>((done) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => (socket.destroy(), done(false)));
      socket.connect(port, address);
    });
    if (ok) {
      return;
    }
    if (Date.now() > end) {
      throw new Error(`nothing listens on ${address}:${port} after ${limitMs} ms`);
    }
    await sleep(50);
  }
}

/**
 * Starts `redis-server` in the foreground (owned by the lab), without persistence or password.
 * @param lab - the lab that stops it
 * @param addresses - addresses it listens on besides `127.0.0.1` (the hosts' `machineAddress`)
 * @returns its port
 * @throws Error with its output when it does not listen within 10 s
 */
export async function startRedis(lab: HostLab, addresses: readonly string[]): Promise<number> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', ...addresses],
      ...['--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', tmpdir()],
      // No password: protected mode would refuse the hosts' addresses.
      ...['--protected-mode', 'no'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  lab.adopt(child.pid!);
  try {
    await waitListening('127.0.0.1', port, 10_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}; redis-server said: ${out.slice(-1000)}`);
  }
  return port;
}

/** A throw-away PostgreSQL cluster. */
export interface PostgresCluster {
  /** Port it listens on (every address). */
  port: number;
  /** Name of the empty database made for the run. */
  database: string;
  /** @returns `postgres://postgres@ADDRESS:PORT/DATABASE` (trust authentication, no password) */
  url(address: string): string;
}

/**
 * Makes and starts a PostgreSQL 15 cluster in a folder under the OS temp folder (`initdb` and `pg_ctl` as the
 * `postgres` user, trust authentication, fsync off), listening on `127.0.0.1` and `addresses`, accepting the
 * `subnets`, with one empty database `screenalytics`.
 * @param lab - the lab that stops it and removes its folder
 * @param addresses - addresses it listens on besides `127.0.0.1`
 * @param subnets - CIDR ranges allowed to connect besides loopback (the hosts' subnets)
 * @returns the cluster
 * @throws Error naming the step (initdb, pg_ctl start, createdb) and its output
 */
export async function startPostgres(
  lab: HostLab,
  addresses: readonly string[],
  subnets: readonly string[],
): Promise<PostgresCluster> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sa-pg-'));
  lab.adoptDir(dir);
  const data = join(dir, 'data');
  lab.adoptPostgres(data);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  chownSync(dir, uid, gid);
  const asPostgres = (tool: string, args: readonly string[]): void => {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN_DIR, tool), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${tool} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  asPostgres('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  appendFileSync(
    join(data, 'pg_hba.conf'),
    subnets.map((s) => `host all all ${s} trust\n`).join(''),
  );
  const options = [
    `-p ${port}`,
    `-c listen_addresses=${['127.0.0.1', ...addresses].join(',')}`,
    `-k ${dir}`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start']);
  const database = 'screenalytics';
  asPostgres('createdb', ['-h', dir, '-p', String(port), database]);
  return {
    port,
    database,
    url: (address) => `postgres://postgres@${address}:${port}/${database}`,
  };
}
