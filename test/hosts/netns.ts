/**
 * @module Worker "hosts" on one Linux machine, for the scale-out test and the season benchmark. Each host is a
 * network namespace with its own veth link and /24 subnet (`10.77.X.1` on the machine's side, `10.77.X.2` inside)
 * and its own host name (every process started in it gets a UTS namespace named after the host), while all share
 * the machine's file system, as hosts share an NFS mount. A lab writes down what it makes (namespaces, links,
 * subnets, processes, folders, PostgreSQL clusters) in a registry file under the OS temp folder before making it, so
 * {@link HostLab.close} removes all of it (also from a `process.on('exit')` hook), and whatever a killed test left is
 * removed by the next lab created on the machine ({@link sweepOrphanLabs}). Linux and root only; everything here is
 * synchronous so that it can run in an exit hook.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folder of the lab registry files and subnet claims. */
export const LAB_REGISTRY_DIR = join(tmpdir(), 'screenalytics-host-labs');
/** First two octets of every lab subnet (`10.77.X.0/24`). */
const SUBNET_PREFIX = '10.77';
/** Directory of the PostgreSQL 15 binaries (Debian layout). */
export const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';

/** One worker host: a network namespace with a veth link to the machine. */
export interface Host {
  /** Namespace name, also the host name its processes see (`os.hostname()`), e.g. `sa-k3x9z1-a`. */
  name: string;
  /** The machine's end of the veth link (cut it to take the host off the network). */
  link: string;
  /** The machine's address on the link, where the host reaches Redis and PostgreSQL, e.g. `10.77.41.1`. */
  machineAddress: string;
  /** The host's own address, e.g. `10.77.41.2`. */
  address: string;
  /** The host's subnet in CIDR form, e.g. `10.77.41.0/24`. */
  subnet: string;
}

/** A process a lab owns, identified across PID reuse by its start time. */
interface OwnedProcess {
  /** Process id. */
  pid: number;
  /** Start time in clock ticks since boot (field 22 of `/proc/PID/stat`). */
  start: string;
}

/** What a lab made, as written to its registry file (before each thing is made). */
export interface LabRecord {
  /** Lab id (base 36 pid and random hex, 7 characters), part of every name the lab makes. */
  id: string;
  /** The process that made the lab; once it is gone, {@link sweepOrphanLabs} removes the rest. */
  owner: OwnedProcess;
  /** Network namespaces (one per host). */
  namespaces: string[];
  /** Machine-side veth links. */
  links: string[];
  /** Claimed third octets X of `10.77.X.0/24`. */
  subnets: number[];
  /** Processes started or adopted (servers, the API, host processes). */
  processes: OwnedProcess[];
  /** Data directories of PostgreSQL clusters. */
  postgres: string[];
  /** Folders removed at the end. */
  dirs: string[];
}

/** Runs a command and returns its stdout; throws with its stderr. */
function run(command: string, args: readonly string[]): string {
  const res = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.error || res.status !== 0) {
    const why = res.error?.message ?? res.stderr.trim();
    throw new Error(`${command} ${args.join(' ')}: ${why || `exit ${res.status}`}`);
  }
  return res.stdout;
}

/** Runs a cleanup command, ignoring failure (the thing may be gone already). */
function tryRun(command: string, args: readonly string[]): void {
  spawnSync(command, args, { stdio: 'ignore' });
}

/** Start time of a process (field 22 of `/proc/PID/stat`), or null when it is gone (or a zombie: dead, unreaped). */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? null : (fields[19] ?? null);
  } catch {
    return null;
  }
}

function isAlive(p: OwnedProcess): boolean {
  return processStart(p.pid) === p.start;
}

/** Kills a process with SIGKILL when it is still the one recorded. */
function killOwned(p: OwnedProcess): void {
  if (isAlive(p)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Processes whose network namespace is `ns` (`ip netns pids`). */
function namespacePids(ns: string): number[] {
  const res = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.split('\n').filter(Boolean).map(Number) : [];
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

/** SIGKILLs everything in a namespace until it is empty (a process may fork while being killed). */
function emptyNamespace(ns: string): void {
  for (let i = 0; i < 50; i++) {
    const pids = namespacePids(ns);
    if (pids.length === 0) {
      return;
    }
    signalAll(pids, 'SIGKILL');
    execFileSync('sleep', ['0.05']);
  }
}

/** Stops a PostgreSQL cluster made by a lab (immediate mode) and forgets nothing else. */
function stopPostgres(dataDir: string): void {
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    tryRun('runuser', [
      ...['-u', 'postgres', '--', join(PG_BIN_DIR, 'pg_ctl')],
      ...['-D', dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop'],
    ]);
  }
}

/** Undoes everything a record lists: processes first, then servers, namespaces, links, folders; failures ignored. */
function undo(record: LabRecord): void {
  for (const ns of record.namespaces) {
    emptyNamespace(ns);
  }
  record.processes.forEach(killOwned);
  record.postgres.forEach(stopPostgres);
  for (const ns of record.namespaces) {
    tryRun('ip', ['netns', 'del', ns]);
  }
  for (const link of record.links) {
    if (existsSync(`/sys/class/net/${link}`)) {
      tryRun('ip', ['link', 'del', link]);
    }
  }
  for (const dir of record.dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const x of record.subnets) {
    rmSync(join(LAB_REGISTRY_DIR, `subnet-${x}`), { recursive: true, force: true });
  }
  rmSync(join(LAB_REGISTRY_DIR, `lab-${record.id}.json`), { force: true });
}

/**
 * Removes what labs whose owner process is gone (a test killed by its runner, a crashed benchmark) left on the
 * machine: processes in their namespaces and the ones they recorded, PostgreSQL clusters, namespaces, links,
 * folders, subnet claims.
 * @returns the ids of the labs removed
 */
export function sweepOrphanLabs(): string[] {
  if (!existsSync(LAB_REGISTRY_DIR)) {
    return [];
  }
  const removed: string[] = [];
  for (const file of readdirSync(LAB_REGISTRY_DIR).filter((f) => /^lab-.*\.json$/.test(f))) {
    let record: LabRecord;
    try {
      record = JSON.parse(readFileSync(join(LAB_REGISTRY_DIR, file), 'utf8')) as LabRecord;
    } catch {
      continue; // removed meanwhile by its owner's close
    }
    if (!isAlive(record.owner)) {
      undo(record);
      removed.push(record.id);
    }
  }
  return removed;
}

/**
 * Says whether labs can be made here: Linux, root, `ip` and `unshare`, and a namespace that can really be created
 * (a container without CAP_SYS_ADMIN refuses it).
 * @returns null when they can, else why not (one line, for the skip message)
 */
export function hostLabSupport(): string | null {
  if (process.platform !== 'linux') {
    return `network namespaces need Linux (this is ${process.platform})`;
  }
  if (process.getuid?.() !== 0) {
    return 'network namespaces need root (run the test as root)';
  }
  const probe = `sa-probe-${process.pid}`;
  try {
    run('unshare', ['--uts', 'true']);
    run('ip', ['netns', 'add', probe]);
  } catch (err) {
    return `cannot make a network namespace: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    tryRun('ip', ['netns', 'del', probe]);
  }
  return null;
}

/** Subnet octets in use on the machine (`10.77.X.*` addresses on any link). */
function subnetsInUse(): Set<number> {
  const out = run('ip', ['-4', '-o', 'addr', 'show']);
  const used = new Set<number>();
  for (const m of out.matchAll(/inet 10\.77\.(\d+)\./g)) {
    used.add(Number(m[1]));
  }
  return used;
}

/** A set of worker hosts on this machine, and everything started for them. */
export class HostLab {
  private closed = false;
  private readonly onExit = (): void => this.close();

  private constructor(
    private readonly record: LabRecord,
    /** The hosts, in creation order (`-a`, `-b`, ...). */
    readonly hosts: readonly Host[],
  ) {}

  /**
   * Sweeps orphaned labs, then makes `count` hosts: for each, a namespace, a veth pair, a free `10.77.X.0/24`
   * subnet (claimed atomically, so parallel labs never share one), addresses, links up. On any failure what was
   * made is removed before the error is thrown.
   * @param count - number of hosts (1-26)
   * @returns the lab; call {@link HostLab.close} (also done at process exit)
   * @throws Error naming the `ip` command that failed, or when no subnet is free
   */
  static create(count: number): HostLab {
    sweepOrphanLabs();
    mkdirSync(LAB_REGISTRY_DIR, { recursive: true });
    const id = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(-7);
    const owner = { pid: process.pid, start: processStart(process.pid)! };
    const record: LabRecord = {
      id,
      owner,
      namespaces: [],
      links: [],
      subnets: [],
      processes: [],
      postgres: [],
      dirs: [],
    };
    const lab = new HostLab(record, []);
    process.on('exit', lab.onExit);
    try {
      const hosts: Host[] = [];
      for (let i = 0; i < count; i++) {
        hosts.push(lab.makeHost(id, String.fromCharCode(97 + i)));
      }
      (lab as { hosts: readonly Host[] }).hosts = hosts;
      return lab;
    } catch (err) {
      lab.close();
      throw err;
    }
  }

  /** Writes the registry file (atomically) before each thing is made. */
  private save(): void {
    const file = join(LAB_REGISTRY_DIR, `lab-${this.record.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.record));
    renameSync(`${file}.tmp`, file);
  }

  private claimSubnet(): number {
    const used = subnetsInUse();
    for (let x = 1; x < 255; x++) {
      if (used.has(x)) {
        continue;
      }
      try {
        mkdirSync(join(LAB_REGISTRY_DIR, `subnet-${x}`));
      } catch {
        continue; // claimed by another lab
      }
      this.record.subnets.push(x);
      this.save();
      return x;
    }
    throw new Error(`no free ${SUBNET_PREFIX}.X.0/24 subnet for a lab host`);
  }

  private makeHost(id: string, letter: string): Host {
    const name = `sa-${id}-${letter}`;
    const link = `sa${id}${letter}h`;
    const inner = `sa${id}${letter}n`;
    const x = this.claimSubnet();
    const host: Host = {
      name,
      link,
      machineAddress: `${SUBNET_PREFIX}.${x}.1`,
      address: `${SUBNET_PREFIX}.${x}.2`,
      subnet: `${SUBNET_PREFIX}.${x}.0/24`,
    };
    this.record.namespaces.push(name);
    this.record.links.push(link);
    this.save();
    run('ip', ['netns', 'add', name]);
    run('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', inner]);
    run('ip', ['link', 'set', inner, 'netns', name]);
    run('ip', ['addr', 'add', `${host.machineAddress}/24`, 'dev', link]);
    run('ip', ['link', 'set', link, 'up']);
    const inNs = (...args: string[]): string => run('ip', ['netns', 'exec', name, 'ip', ...args]);
    inNs('addr', 'add', `${host.address}/24`, 'dev', inner);
    inNs('link', 'set', inner, 'up');
    inNs('link', 'set', 'lo', 'up');
    return host;
  }

  /** Registers a process started outside the hosts (a server for them) to be SIGKILLed on close. */
  adopt(pid: number): void {
    const start = processStart(pid);
    if (start !== null) {
      this.record.processes.push({ pid, start });
      this.save();
    }
  }

  /** Registers a folder to be removed on close (after every process is gone). */
  adoptDir(dir: string): void {
    this.record.dirs.push(dir);
    this.save();
  }

  /** Registers a PostgreSQL data directory whose cluster is stopped (immediate mode) on close. */
  adoptPostgres(dataDir: string): void {
    this.record.postgres.push(dataDir);
    this.save();
  }

  /**
   * Starts a process on a host: in its network namespace, with a UTS namespace whose host name is the host's name
   * (`ip netns exec NS unshare --uts sh -c 'hostname NAME && exec ...'`: every exec keeps the pid, so the returned
   * child's pid is the command's own).
   * @param host - one of {@link HostLab.hosts}
   * @param command - the program, e.g. `process.execPath`
   * @param args - its arguments
   * @param opts - environment and working folder (stdout and stderr are piped)
   * @returns the child process
   */
  spawn(
    host: Host,
    command: string,
    args: readonly string[],
    opts: { env: NodeJS.ProcessEnv; cwd: string },
  ): ChildProcess {
    const child = spawn(
      'ip',
      [
        ...['netns', 'exec', host.name, 'unshare', '--uts', '--', 'sh', '-c'],
        ...['hostname "$0" && exec "$@"', host.name, command, ...args],
      ],
      { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (child.pid !== undefined) {
      this.adopt(child.pid);
    }
    return child;
  }

  /** @returns the pids of every process running on the host (its namespace) */
  pidsOn(host: Host): number[] {
    return namespacePids(host.name);
  }

  /** Takes the host off the network: its link goes down on the machine's side (packets to and from it are lost). */
  cutLink(host: Host): void {
    run('ip', ['link', 'set', host.link, 'down']);
  }

  /**
   * Whether a TCP connection from inside the host reaches `address:port` within `timeoutS`.
   * @returns true when it connected
   */
  canReach(host: Host, address: string, port: number, timeoutS = 2): boolean {
    const res = spawnSync(
      'ip',
      [
        ...['netns', 'exec', host.name, 'timeout', String(timeoutS), 'bash', '-c'],
        `exec 3<>/dev/tcp/${address}/${port}`,
      ],
      { stdio: 'ignore' },
    );
    return res.status === 0;
  }

  /**
   * Removes everything the lab made: SIGKILLs the processes on its hosts (frozen ones too) and those it adopted,
   * stops its PostgreSQL clusters, deletes namespaces and links, removes its folders, subnet claims and registry
   * file. Idempotent.
   */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    process.off('exit', this.onExit);
    undo(this.record);
  }

  /** @returns a copy of what the lab made so far (see {@link leftoversOf}) */
  describe(): LabRecord {
    return structuredClone(this.record);
  }
}

/**
 * What of a lab is still on the machine.
 * @param record - the lab's record ({@link HostLab.describe})
 * @returns one line per namespace, link, live process or folder left; empty when all is gone
 */
export function leftoversOf(record: LabRecord): string[] {
  const left: string[] = [];
  const namespaces = run('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]);
  for (const ns of record.namespaces.filter((n) => namespaces.includes(n))) {
    left.push(`namespace ${ns}`);
  }
  for (const link of record.links.filter((l) => existsSync(`/sys/class/net/${l}`))) {
    left.push(`link ${link}`);
  }
  for (const p of record.processes.filter(isAlive)) {
    left.push(`process ${p.pid}`);
  }
  for (const dir of [...record.dirs, ...record.postgres].filter((d) => existsSync(d))) {
    left.push(`folder ${dir}`);
  }
  if (existsSync(join(LAB_REGISTRY_DIR, `lab-${record.id}.json`))) {
    left.push(`registry file of lab ${record.id}`);
  }
  return left;
}
