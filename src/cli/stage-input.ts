/**
 * @module Builds what `runStage` needs from CLI options (config, profile, device, run paths, source, abort signal)
 * and runs stages with the terminal display: progress bars and warnings echoed to stderr.
 */
import { resolveProfile, type Config } from '../config/index.ts';
import { NotFoundError } from '../errors.ts';
import { runStage, type RunStageInput } from '../pipeline/index.ts';
import { readSource, runPaths, sourceJson, type Marker } from '../store/index.ts';
import type { EpisodeId, RunId, Stage } from '../types.ts';
import { createProgressDisplay } from './progress-display.ts';

/**
 * @param config - loaded config (profile, device and fallback already merged from flags)
 * @param epId - registered episode
 * @param runId - run to write into
 * @param signal - aborts the stage (Ctrl-C)
 * @throws NotFoundError when the episode has no `source.json` (not registered)
 */
export function buildStageInput(
  config: Config,
  epId: EpisodeId,
  runId: RunId,
  signal: AbortSignal,
): RunStageInput {
  const source = readSource(sourceJson(config.data_dir, epId));
  if (!source) {
    throw new NotFoundError(
      `Episode ${epId} is not registered in ${config.data_dir}: run \`screenalytics run VIDEO --ep-id ${epId}\` first`,
    );
  }
  return {
    config,
    profile: resolveProfile(config),
    device: { requested: config.device, allowCpuFallback: config.allow_cpu_fallback },
    epId,
    runId,
    paths: runPaths(config.data_dir, epId, runId),
    source,
    signal,
  };
}

/**
 * Runs stages in order with progress on stderr (bars on a TTY, plain lines otherwise).
 * @param stages - stages to run, in pipeline order
 * @param input - stage input
 * @returns the finished markers
 * @throws whatever a stage throws; later stages do not run
 */
export async function runStagesWithDisplay(
  stages: Stage[],
  input: RunStageInput,
): Promise<Marker[]> {
  const display = createProgressDisplay();
  const markers: Marker[] = [];
  for (const stage of stages) {
    const marker = await runStage(stage, {
      ...input,
      onProgress: (p) => display.update({ stage, ...p }),
      onLogLine: (line) => {
        if (line.level === 'warn' || line.level === 'error') {
          process.stderr.write(`${stage}: ${line.level}: ${line.msg}\n`);
        }
      },
    });
    const counts = Object.entries(marker.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    display.finish(
      stage,
      `${marker.zero_rows ? 'done, nothing found' : 'done'} in ${marker.elapsed_s?.toFixed(1)} s (${counts})`,
    );
    markers.push(marker);
  }
  return markers;
}
