/**
 * @module Job log lines: the jobs layer appends its own lines (`job.started`, `job.cancelled`, the child's stderr,
 * lock takeovers) to the run's `logs/{stage}.jsonl`, beside the stage's lines, tagged with `job_id`; readers pick a
 * job's lines back out. Every line is one O_APPEND write, so a crash keeps all lines written before it.
 */
import { existsSync } from 'node:fs';
import {
  readStageLog,
  runPaths,
  StageLog,
  type Job,
  type LogFields,
  type LogLevel,
  type LogLine,
} from '../store/index.ts';

/**
 * Appends one line to the job's stage log, tagged with its `job_id`.
 * @param dataDir - data directory
 * @param job - the job
 * @param level - severity
 * @param msg - `noun.verb` message
 * @param fields - extra fields; `text` is the human line shown in responses (e.g. `[LOCAL MODE] Starting ...`)
 * @returns the line written
 */
export function logJob(
  dataDir: string,
  job: Job,
  level: LogLevel,
  msg: string,
  fields: LogFields = {},
): LogLine {
  const log = new StageLog(runPaths(dataDir, job.ep_id, job.run_id).log(job.stage));
  try {
    return log.log(level, msg, { ...fields, job_id: job.job_id });
  } finally {
    log.close();
  }
}

/**
 * @param dataDir - data directory
 * @param job - the job
 * @returns all lines of the run's stage log (empty when the stage never logged)
 */
export function readRunStageLog(
  dataDir: string,
  job: Pick<Job, 'ep_id' | 'run_id' | 'stage'>,
): LogLine[] {
  const path = runPaths(dataDir, job.ep_id, job.run_id).log(job.stage);
  return existsSync(path) ? readStageLog(path) : [];
}

/**
 * Picks one job's lines out of its run's stage log: lines tagged with its `job_id`, and untagged lines (the
 * stage's own) written between its creation and its end.
 * @param lines - the run's stage log
 * @param job - the job
 * @returns its lines, oldest first
 */
export function linesOfJob(lines: LogLine[], job: Job): LogLine[] {
  const from = job.created_at;
  const to = job.finished_at ?? '9999';
  return lines.filter((l) =>
    l.job_id === undefined ? l.ts >= from && l.ts <= to : l.job_id === job.job_id,
  );
}

/**
 * @param line - a log line
 * @returns true for high-volume lines the UI hides by default (`noisy: true`, or `debug` level)
 */
export function isNoisy(line: LogLine): boolean {
  return line.noisy ?? line.level === 'debug';
}

/** Keys of a log line that its rendering shows otherwise or leaves out. */
const LINE_KEYS = new Set(['ts', 'level', 'msg', 'noisy', 'job_id', 'text']);

/**
 * Renders a line for people: its `text` when it has one, else `msg` followed by its fields as JSON.
 * @param line - a log line
 * @returns one line of text, without the timestamp
 */
export function formatLogLine(line: LogLine): string {
  const { level, msg, text } = line;
  if (typeof text === 'string') {
    return text;
  }
  const fields = Object.fromEntries(Object.entries(line).filter(([k]) => !LINE_KEYS.has(k)));
  const prefix = level === 'info' || level === 'debug' ? '' : `${level.toUpperCase()} `;
  return Object.keys(fields).length > 0
    ? `${prefix}${msg} ${JSON.stringify(fields)}`
    : `${prefix}${msg}`;
}

/**
 * @param dataDir - data directory
 * @param job - the job
 * @param limit - most lines returned (the last ones)
 * @returns the job's last non-noisy lines, rendered
 */
export function tailJobLog(dataDir: string, job: Job, limit: number): string[] {
  if (limit === 0) {
    return [];
  }
  return linesOfJob(readRunStageLog(dataDir, job), job)
    .filter((l) => !isNoisy(l))
    .slice(-limit)
    .map(formatLogLine);
}
