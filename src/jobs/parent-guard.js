/**
 * @module Preloaded into every stage child process (`node --import parent-guard.js bin/screenalytics.js`): when the process that started the child dies (a worker or API process SIGKILLed), the child kills its
 * own process group, so that no orphan stage keeps writing into a run that is then seen as stalled and resumed.
 * Plain JavaScript because it loads before tsx registers. The poll interval comes from the parent
 * (`SCREENALYTICS_PARENT_POLL_MS`, from `config.jobs.poll_ms`).
 */
const parentPid = process.ppid;
const pollMs = Number(process.env.SCREENALYTICS_PARENT_POLL_MS);

if (pollMs > 0) {
  setInterval(() => {
    if (process.ppid === parentPid) {
      return;
    }
    try {
      // The child is the leader of its own process group (spawned detached): take ffmpeg down with it.
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      // Not a group leader (started by hand): kill just this process.
      process.kill(process.pid, 'SIGKILL');
    }
  }, pollMs).unref();
}
