/**
 * @module The stage child of a job (`node --import parent-guard.js --import tsx stage-child.ts JOB_ID`, spawned by
 * child.ts): reads the resolved job (StageChildJob, JSON) from standard input and runs its stage through the
 * pipeline's `runStage`, which writes the marker, the log and `progress.json` (the job's heartbeat). Standard
 * error carries a progress line every few seconds, the stage's warnings, and on failure one `error: MESSAGE` line
 * (the runner records it as the job's error). Exit code `0` success, `2` bad input, `1` failure; SIGTERM or SIGINT
 * cancels the stage (its marker says `cancelled`).
 */
import { text } from 'node:stream/consumers';
import { loadConfig, resolveProfile } from '../config/index.ts';
import { AppError, isUserError } from '../errors.ts';
import { runPaths } from '../store/index.ts';
import type { StageChildJob } from './child.ts';

/** Milliseconds between the progress lines written to standard error. */
const PROGRESS_LINE_MS = 5000;
const EXIT_BAD_INPUT = 2;
const EXIT_FAILURE = 1;

async function main(): Promise<void> {
  // Loaded here so that a pipeline module that fails to load is reported as the job's error line.
  const { runStage } = await import('../pipeline/index.ts');
  const job = JSON.parse(await text(process.stdin)) as StageChildJob;
  // The config arrives resolved: no environment variable or config file may change it again.
  const config = loadConfig(job.config, {});
  const controller = new AbortController();
  const cancel = (): void => controller.abort();
  process.once('SIGTERM', cancel);
  process.once('SIGINT', cancel);
  let lastLineMs = 0;
  const marker = await runStage(job.stage, {
    config,
    profile: resolveProfile(config),
    device: { requested: config.device, allowCpuFallback: config.allow_cpu_fallback },
    epId: job.ep_id,
    runId: job.run_id,
    paths: runPaths(config.data_dir, job.ep_id, job.run_id),
    source: job.source,
    signal: controller.signal,
    resume: job.resume,
    onProgress: (p) => {
      const now = Date.now();
      if (now - lastLineMs >= PROGRESS_LINE_MS || p.framesDone === p.framesTotal) {
        lastLineMs = now;
        const eta = p.etaS === null ? '' : `, ETA ${Math.round(p.etaS)} s`;
        process.stderr.write(
          `${job.stage}: ${p.framesDone}/${p.framesTotal} (${p.fps.toFixed(1)}/s${eta})\n`,
        );
      }
    },
    onLogLine: (line) => {
      if (line.level === 'warn') {
        process.stderr.write(`${job.stage}: warn: ${line.msg}\n`);
      }
    },
  });
  process.stderr.write(
    `${job.stage}: ${marker.status}${marker.zero_rows ? ' (zero rows)' : ''} in run ${job.run_id}\n`,
  );
}

try {
  await main();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (!(err instanceof AppError) && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  process.exitCode = isUserError(err) ? EXIT_BAD_INPUT : EXIT_FAILURE;
}
