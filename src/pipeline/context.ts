/**
 * @module What a stage gets to run with: config slice, run paths, source probe, log, progress, abort signal.
 */
import type { Config, Profile } from '../config/index.ts';
import type { ProfileName, DeviceName, EpisodeId, RunId } from '../types.ts';
import type { RunPaths, SourceJson } from '../store/index.ts';

/** Log sink of a stage; lines are persisted to `logs/{stage}.jsonl` by the caller. */
export interface StageLogger {
  /** A normal line. `fields` are extra structured keys. */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** A warning line. */
  warn(msg: string, fields?: Record<string, unknown>): void;
  /** A noisy line (per-frame detail), hidden by default in the UI. */
  debug(msg: string, fields?: Record<string, unknown>): void;
}

/** Progress of a stage, reported at most a few times per second. */
export interface StageProgress {
  /** Units done (analysed frames for detect_track, tracks for faces_embed, ...). */
  framesDone: number;
  /** Units in all; 0 when unknown. */
  framesTotal: number;
}

/** Everything a stage function may use. Built by the CLI (and later the job runners). */
export interface StageContext {
  /** The frozen config. */
  config: Config;
  /** Effective profile (threads already capped). */
  profile: Profile & { name: ProfileName };
  /** Requested device and whether a CPU fallback is allowed. */
  device: { requested: DeviceName; allowCpuFallback: boolean };
  /** Episode id. */
  epId: EpisodeId;
  /** Run id. */
  runId: RunId;
  /** Paths of the run's artifacts. */
  paths: RunPaths;
  /** The episode's source.json (video path and probe). */
  source: SourceJson;
  /** Stage log. */
  log: StageLogger;
  /** Called with progress; the caller throttles, persists `progress.json` and draws bars. */
  onProgress: (progress: StageProgress) => void;
  /** Aborts the stage; it then throws CancelledError. */
  signal: AbortSignal;
  /** Continue from the stage's checkpoint in this run, when it has one (detect_track); else start over. */
  resume?: boolean;
}

/** What a stage function returns: counts for the marker, and the execution providers it used. */
export interface StageOutcome {
  /** Named counts (detections, tracks, faces, identities, ...). */
  counts: Record<string, number>;
  /** True when the stage succeeded with nothing found (zero rows is a result). */
  zeroRows: boolean;
  /** Requested device and effective ONNX Runtime providers, for stages that run models. */
  device?: { requested: DeviceName; effective_providers: string[] };
  /** Parameters the stage used (recorded in the marker with their hash). */
  params: Record<string, unknown>;
}
