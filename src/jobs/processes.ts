/**
 * @module Processes on this host: is a pid alive, is a process group empty, kill a group. Zombies (dead, not yet
 * reaped by an init that does not reap) count as dead.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Fields of `/proc/{pid}/stat` after the command name: state, ppid, pgrp. */
function procStat(pid: number): { state: string; pgrp: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', , pgrp = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state, pgrp: Number(pgrp) };
  } catch {
    // No such process, or no /proc (not Linux): the caller falls back to kill(0).
    return null;
  }
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * @param pid - process id on this host
 * @returns true when the process exists and is not a zombie
 */
export function isProcessAlive(pid: number): boolean {
  if (!signalZero(pid)) {
    return false;
  }
  const stat = procStat(pid);
  return stat === null ? process.platform !== 'linux' : stat.state !== 'Z';
}

/**
 * @param pgid - process group id (the pid of a child spawned detached)
 * @returns pids of the live (non-zombie) members of the group; on a system without `/proc`, `[pgid]` when
 *   `kill(-pgid, 0)` finds the group
 */
export function livePidsInGroup(pgid: number): number[] {
  if (process.platform !== 'linux') {
    return signalZero(-pgid) ? [pgid] : [];
  }
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid)) {
      const stat = procStat(pid);
      if (stat && stat.pgrp === pgid && stat.state !== 'Z') {
        pids.push(pid);
      }
    }
  }
  return pids;
}

/**
 * @param pid - process id on this host
 * @returns its command-line arguments (`/proc/{pid}/cmdline`), or null when it is gone or there is no `/proc`
 */
export function processArgs(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    // Gone, or not Linux: the caller treats "unknown" as "not ours".
    return null;
  }
}

/**
 * Sends a signal to every process of a group; a group that is already gone is not an error.
 * @param pgid - process group id
 * @param signal - e.g. `SIGKILL`
 */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    // ESRCH: nothing left in the group, which is what the caller wants.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw err;
    }
  }
}
