/**
 * @module A job's events for server-sent events: `log` for each of its log lines (history first, then new ones as
 * they are appended), `progress` when the progress changes, `state` when the state or stall changes, and a last
 * `end` with the final job. Polls the database and files every `config.jobs.poll_ms`.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../errors.ts';
import { getJob, logLineSchema, runPaths, type Job, type LogLine } from '../store/index.ts';
import type { JobsContext } from './context.ts';
import { isNoisy, linesOfJob } from './job-log.ts';
import { viewJob } from './job-view.ts';
import { readJobProgress, viewProgress } from './progress.ts';
import { noticeStall } from './stall.ts';

/** One event. */
export interface JobEvent {
  /** Event name. */
  event: 'log' | 'progress' | 'state' | 'end';
  /** JSON payload. */
  data: unknown;
}

/** Reads the complete lines appended to a file since the last call. */
class LineTail {
  private offset = 0;
  private partial = '';

  constructor(private readonly path: string) {}

  read(): LogLine[] {
    if (!existsSync(this.path) || statSync(this.path).size <= this.offset) {
      return [];
    }
    const fd = openSync(this.path, 'r');
    try {
      const size = statSync(this.path).size;
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const parts = (this.partial + buf.toString('utf8')).split('\n');
      this.partial = parts.pop() ?? '';
      return parts.flatMap((raw) => {
        try {
          const parsed = logLineSchema.safeParse(JSON.parse(raw));
          return parsed.success ? [parsed.data] : [];
        } catch {
          // A foreign or torn line: skipped, as readStageLog does.
          return [];
        }
      });
    } finally {
      closeSync(fd);
    }
  }
}

function isFinal(job: Job): boolean {
  return job.state !== 'queued' && job.state !== 'running';
}

/**
 * Streams a job's events until it ends or `signal` aborts.
 * @param ctx - jobs context
 * @param jobId - the job
 * @param signal - stops the stream (client gone)
 * @throws NotFoundError when there is no such job (before the first event)
 */
export async function* jobEvents(
  ctx: JobsContext,
  jobId: string,
  signal: AbortSignal,
): AsyncGenerator<JobEvent> {
  let job = await getJob(ctx.db, jobId);
  if (!job) {
    throw new NotFoundError(
      `Job ${jobId} does not exist: list running jobs with GET /episodes/{ep_id}/jobs/running`,
    );
  }
  const tail = new LineTail(runPaths(ctx.config.data_dir, job.ep_id, job.run_id).log(job.stage));
  let lastProgress = '';
  let lastState = '';
  while (!signal.aborted) {
    job = (await getJob(ctx.db, jobId)) ?? job;
    for (const line of linesOfJob(tail.read(), job)) {
      yield { event: 'log', data: { ...line, noisy: isNoisy(line) } };
    }
    const stalled = await noticeStall(ctx, job);
    const cancelRequested = !isFinal(job) && job.cancel_requested_at !== null;
    const state = JSON.stringify([job.state, stalled, cancelRequested]);
    if (state !== lastState) {
      lastState = state;
      yield {
        event: 'state',
        data: { state: job.state, stalled, cancel_requested: cancelRequested },
      };
    }
    const progress = viewProgress(readJobProgress(ctx.config.data_dir, job) ?? job.progress);
    if (progress && JSON.stringify(progress) !== lastProgress) {
      lastProgress = JSON.stringify(progress);
      yield { event: 'progress', data: { ...progress, heartbeat_at: job.heartbeat_at } };
    }
    if (isFinal(job)) {
      yield { event: 'end', data: await viewJob(ctx, job) };
      return;
    }
    await sleep(ctx.config.jobs.poll_ms, undefined, { signal }).catch(() => undefined);
  }
}
