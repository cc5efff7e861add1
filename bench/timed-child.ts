/**
 * @module Runs a child process and measures it from outside (Linux `/proc`): wall time, CPU time of the whole
 * process tree, peak summed RSS of the tree sampled at an interval, and per-process peak RSS and CPU.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** What one process of the tree used, as last sampled. */
export interface ProcessUsage {
  /** Process id. */
  pid: number;
  /** Executable name (`/proc/PID/comm`), e.g. `node`, `ffmpeg`. */
  comm: string;
  /** User + system CPU seconds at the last sample (up to one interval short of its final figure). */
  cpu_s: number;
  /** Peak RSS in MB as the kernel records it (`VmHWM`: the process's own ru_maxrss). */
  peak_rss_mb: number;
}

/** The measurements of one child run. */
export interface ChildMeasurement {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  /** Wall seconds from spawn to exit. */
  wall_s: number;
  /** User + system CPU seconds of the child and every descendant it waited for (exact: from our `cutime`). */
  cpu_s: number;
  /** CPU seconds the rest of the machine used meanwhile (all CPUs busy time minus `cpu_s`): 0 on an idle machine. */
  other_cpu_s: number;
  /** Largest sum of `VmRSS` over the tree seen at one sample, MB. */
  peak_tree_rss_mb: number;
  /** Every process seen in the tree. */
  processes: ProcessUsage[];
  /** The child's stdout. */
  stdout: string;
  /** The last few KB of its stderr. */
  stderr_tail: string;
}

const STDERR_TAIL_CHARS = 4000;
const KB_PER_MB = 1024;

/** Clock ticks per second of `/proc/PID/stat` times. */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields of `/proc/PID/stat` after the `(comm)` field, split on spaces (index 0 is field 3, `state`). */
function statFields(pid: number | 'self'): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds of this process's waited-for children (`cutime + cstime`). */
function reapedChildrenCpuS(): number {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) / CLK_TCK;
}

/** Busy CPU seconds of the whole machine since boot (`/proc/stat`: all but idle and iowait). */
function machineBusyCpuS(): number {
  const f = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - f[3]! - f[4]!) / CLK_TCK;
}

/** The pid and every descendant of it, from `/proc/PID/task/TID/children`. */
function processTree(rootPid: number): number[] {
  const out: number[] = [];
  const todo = [rootPid];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    out.push(pid);
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (kids) {
          todo.push(...kids.split(' ').map(Number));
        }
      }
    } catch {
      // the process exited between two reads: it has no children left to list
    }
  }
  return out;
}

function statusKb(status: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/**
 * Spawns `file args` with piped stdout/stderr and samples its process tree every `intervalMs` until it exits.
 * Linux only (`/proc`). The sampler runs on this process's event loop and reads a few small files per process.
 * @param file - executable
 * @param args - arguments
 * @param env - environment of the child
 * @param intervalMs - sampling interval in milliseconds
 * @returns the measurement; a non-zero exit is returned, not thrown
 */
export async function measureChild(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  intervalMs: number,
): Promise<ChildMeasurement> {
  const seen = new Map<number, ProcessUsage>();
  let peakTreeKb = 0;
  const cpuBefore = reapedChildrenCpuS();
  const busyBefore = machineBusyCpuS();
  const t0 = performance.now();
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sample = (): void => {
    let treeKb = 0;
    for (const pid of processTree(child.pid!)) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const f = statFields(pid);
        treeKb += statusKb(status, 'VmRSS');
        seen.set(pid, {
          pid,
          comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
          cpu_s: (Number(f[11]) + Number(f[12])) / CLK_TCK,
          peak_rss_mb: Math.max(
            seen.get(pid)?.peak_rss_mb ?? 0,
            statusKb(status, 'VmHWM') / KB_PER_MB,
          ),
        });
      } catch {
        // the process exited between listing and reading: its last sample stands
      }
    }
    peakTreeKb = Math.max(peakTreeKb, treeKb);
  };
  const timer = setInterval(sample, intervalMs);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr
    .setEncoding('utf8')
    .on('data', (s: string) => (stderr = (stderr + s).slice(-STDERR_TAIL_CHARS)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  }).finally(() => clearInterval(timer));
  const cpuS = reapedChildrenCpuS() - cpuBefore;
  return {
    code,
    wall_s: (performance.now() - t0) / 1000,
    cpu_s: cpuS,
    other_cpu_s: Math.max(0, machineBusyCpuS() - busyBefore - cpuS),
    peak_tree_rss_mb: peakTreeKb / KB_PER_MB,
    processes: [...seen.values()],
    stdout,
    stderr_tail: stderr,
  };
}

/** What a running process tree uses now. */
export interface TreeSample {
  /** Summed `VmRSS` of the process and its live descendants, MB. */
  rss_mb: number;
  /**
   * CPU seconds of the process (user + system), of the children it has reaped (`cutime + cstime`), and of its live
   * descendants.
   */
  cpu_s: number;
}

/**
 * Samples a process tree that this process did not spawn through {@link measureChild} (a long-lived worker).
 * Linux only (`/proc`).
 * @param rootPid - the tree's root process
 * @returns its RSS and CPU now; zeros once it has exited
 */
export function sampleTree(rootPid: number): TreeSample {
  let rssKb = 0;
  let cpuTicks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      rssKb += statusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      const f = statFields(pid);
      cpuTicks += Number(f[11]) + Number(f[12]);
      if (pid === rootPid) {
        cpuTicks += Number(f[13]) + Number(f[14]);
      }
    } catch {
      // the process exited between listing and reading: its CPU is in its parent's cutime by now
    }
  }
  return { rss_mb: rssKb / KB_PER_MB, cpu_s: cpuTicks / CLK_TCK };
}
