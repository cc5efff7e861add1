/**
 * @module `screenalytics stage STAGE --ep-id ID [--run-id R]`: run one stage; the entry point job runners start.
 */
import type { Config } from '../../config/index.ts';
import { NotFoundError } from '../../errors.ts';
import {
  createRun,
  latestRun,
  openDatabase,
  parseEpisodeId,
  parseRunId,
  readSource,
  sourceJson,
} from '../../store/index.ts';
import type { Stage } from '../../types.ts';
import { preflight } from '../preflight.ts';
import { buildStageInput, runStagesWithDisplay } from '../stage-input.ts';

/** Options of `stage`. */
export interface StageOptions {
  /** Episode id (required). */
  epId: string;
  /** Run id; default: the episode's latest run, or a new run for detect_track when there is none. */
  runId?: string;
  /** Print the stage marker as JSON. */
  json?: boolean;
  /** Continue from the stage's checkpoint in the run. */
  resume?: boolean;
}

/**
 * Runs one stage of a registered episode.
 * @throws NotFoundError for an unknown episode or run; ConflictError when the upstream stage has not succeeded;
 *   AppError (`DEVICE_UNAVAILABLE`) or ModelError for an unusable device or model, before a run is created
 */
export async function stageCommand(
  stage: Stage,
  config: Config,
  opts: StageOptions,
  signal: AbortSignal,
): Promise<void> {
  const epId = parseEpisodeId(opts.epId);
  preflight(config, [stage]);
  if (!readSource(sourceJson(config.data_dir, epId))) {
    throw new NotFoundError(
      `Episode ${epId} is not registered in ${config.data_dir}: run \`screenalytics run VIDEO --ep-id ${epId}\` first`,
    );
  }
  const db = await openDatabase(config.data_dir, config.database);
  let runId: string;
  try {
    if (opts.runId) {
      runId = parseRunId(opts.runId);
    } else {
      const latest = await latestRun(db, epId);
      if (latest) {
        runId = latest.run_id;
      } else if (stage === 'detect_track') {
        runId = (await createRun(db, { ep_id: epId, profile: config.profile })).run_id;
      } else {
        throw new NotFoundError(`Episode ${epId} has no run: run detect_track first`);
      }
    }
  } finally {
    await db.close();
  }
  const input = { ...buildStageInput(config, epId, runId, signal), resume: opts.resume === true };
  const [marker] = await runStagesWithDisplay([stage], input);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(marker, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${stage} ${marker!.status} in run ${runId}${marker!.zero_rows ? ' (zero rows)' : ''}\n`,
    );
  }
}
