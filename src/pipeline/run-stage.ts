/**
 * @module Runs one stage inside its run: checks the upstream marker, writes the stage marker, the log, and progress
 * (whose writes are the heartbeat: at the start, on the stage's progress, before its after-step), and removes the
 * stage's outputs when it fails, so nothing half-written is left behind.
 */
import { rmSync } from 'node:fs';
import { ConflictError, CancelledError, isUserError } from '../errors.ts';
import {
  artifactFingerprints,
  fileSha256,
  finishMarker,
  hashParams,
  newMarker,
  ProgressWriter,
  readMarker,
  StageLog,
  videoFingerprint,
  writeMarker,
  type LogLine,
  type Marker,
} from '../store/index.ts';
import type { Stage } from '../types.ts';
import type { StageContext, StageProgress } from './context.ts';
import { STAGE_SPECS, type StageSpec } from './stages.ts';

const PROGRESS_MIN_INTERVAL_MS = 1000;

/** The video's fingerprint; null when it cannot be read (the stage itself then says why). */
function fingerprintOrNull(path: string): ReturnType<typeof videoFingerprint> | null {
  try {
    return videoFingerprint(path);
  } catch {
    // The stage reports the unreadable video in its own words.
    return null;
  }
}

/** What the caller gives `runStage`: a context without log, plus display hooks. */
export type RunStageInput = Omit<StageContext, 'log' | 'onProgress'> & {
  /** Called with every log line after it is persisted. */
  onLogLine?: (line: LogLine) => void;
  /** Called with each progress update (frames, fps, ETA). */
  onProgress?: (p: StageProgress & { fps: number; etaS: number | null }) => void;
};

/**
 * Runs `stage` of the run in `input.paths` and returns its finished marker.
 * @param stage - the stage
 * @param input - context; `signal` cancels
 * @returns the final marker (status `success`; `zero_rows` when nothing was found)
 * @throws ConflictError (`CONFLICT`) when the upstream stage has no successful marker in this run; whatever the
 *   stage throws (its marker then says `error` or `cancelled`, and its outputs are removed)
 */
export async function runStage(stage: Stage, input: RunStageInput): Promise<Marker> {
  const spec: StageSpec = STAGE_SPECS[stage];
  const inputs: Marker['inputs'] = {};
  if (spec.upstream) {
    const up = readMarker(input.paths.marker(spec.upstream));
    if (up?.status !== 'success') {
      throw new ConflictError(
        `Stage ${stage} needs ${spec.upstream} to have succeeded in run ${input.runId}: run \`screenalytics stage ${spec.upstream} --ep-id ${input.epId} --run-id ${input.runId}\` first`,
      );
    }
    inputs[spec.upstream] = up.marker_id;
  }
  const upstreamSha = spec.upstream ? fileSha256(input.paths.marker(spec.upstream)) : null;
  const fingerprints: Marker['fingerprints'] = {
    video: fingerprintOrNull(input.source.video_path),
    upstream: spec.upstream && upstreamSha ? { [spec.upstream]: upstreamSha } : {},
  };
  const log = new StageLog(input.paths.log(stage), { onLine: input.onLogLine });
  const requested = { profile: input.profile.name, device: input.device.requested };
  let marker = newMarker({
    ep_id: input.epId,
    run_id: input.runId,
    stage,
    params: requested,
    inputs,
    device: null,
    fingerprints,
  });
  writeMarker(input.paths.marker(stage), marker);
  // progress.json is the job's heartbeat: written when the stage starts, on its progress (at most once a second)
  // and before its after-step, never by a timer, so a stage that stops making progress stops beating.
  const progress = new ProgressWriter(input.paths.progress, stage);
  progress.heartbeat();
  const startedMs = Date.now();
  let lastWriteMs = 0;
  const onProgress = (p: StageProgress): void => {
    const elapsedS = (Date.now() - startedMs) / 1000;
    const fps = elapsedS > 0 ? p.framesDone / elapsedS : 0;
    const etaS =
      fps > 0 && p.framesTotal > 0 ? Math.max(0, (p.framesTotal - p.framesDone) / fps) : null;
    input.onProgress?.({ ...p, fps, etaS });
    const now = Date.now();
    if (now - lastWriteMs >= PROGRESS_MIN_INTERVAL_MS || p.framesDone === p.framesTotal) {
      lastWriteMs = now;
      progress.write({
        frames_done: p.framesDone,
        frames_total: p.framesTotal,
        fps: Math.round(fps * 100) / 100,
        eta_s: etaS === null ? null : Math.round(etaS * 10) / 10,
      });
    }
  };
  log.info('stage.started', {
    stage,
    run_id: input.runId,
    ...requested,
    cpu_threads: input.profile.cpu_threads,
  });
  try {
    const outcome = await spec.run({ ...input, log, onProgress });
    marker = {
      ...finishMarker(marker, {
        status: 'success',
        counts: outcome.counts,
        zero_rows: outcome.zeroRows,
      }),
      params: { ...requested, ...outcome.params },
      params_hash: hashParams({ ...requested, ...outcome.params }),
      // The upstream outputs as this stage leaves them (faces_embed adds its columns to tracks.jsonl).
      fingerprints: {
        ...fingerprints,
        artifacts: spec.upstream
          ? artifactFingerprints(STAGE_SPECS[spec.upstream].outputs(input.paths))
          : {},
      },
      device: outcome.device ?? null,
    };
    writeMarker(input.paths.marker(stage), marker);
    log.info('stage.finished', {
      stage,
      elapsed_s: marker.elapsed_s,
      counts: outcome.counts,
      zero_rows: outcome.zeroRows,
    });
    if (spec.after) {
      progress.heartbeat();
    }
    await spec.after?.({ ...input, log, onProgress }).catch((err: unknown) => {
      // The stage's own result stands; what runs after it (naming identities) can be redone on its own.
      log.warn('stage.after_failed', {
        stage,
        error: err instanceof Error ? err.message : String(err),
      });
    });
    return marker;
  } catch (err) {
    for (const path of spec.outputs(input.paths)) {
      rmSync(path, { recursive: true, force: true });
    }
    const cancelled = err instanceof CancelledError || input.signal.aborted;
    const message = err instanceof Error ? err.message : String(err);
    marker = finishMarker(marker, { status: cancelled ? 'cancelled' : 'error', error: message });
    writeMarker(input.paths.marker(stage), marker);
    if (cancelled) {
      log.warn('stage.cancelled', { stage });
    } else {
      log.error('stage.failed', {
        stage,
        error: message,
        user_error: isUserError(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    throw err;
  } finally {
    log.close();
  }
}
