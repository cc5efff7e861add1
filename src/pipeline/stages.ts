/**
 * @module The stage registry: each stage's function, its upstream stage and the outputs it owns.
 */
import type { RunPaths } from '../store/index.ts';
import type { Stage } from '../types.ts';
import { nameIdentities, runCluster } from './cluster/index.ts';
import type { StageContext, StageOutcome } from './context.ts';
import { runDetectTrack } from './detect-track/index.ts';
import { runFacesEmbed } from './faces-embed/index.ts';
import { runScreentime } from './screentime/index.ts';

/** What the runner needs to know of a stage. */
export interface StageSpec {
  /** The stage function. */
  run: (ctx: StageContext) => Promise<StageOutcome>;
  /** The stage whose successful marker must exist first, or null. */
  upstream: Stage | null;
  /** Artifacts the stage writes (files and folders); removed when the stage fails. */
  outputs: (paths: RunPaths) => string[];
  /**
   * Runs once the stage's marker says `success` (work that reads the finished stage, e.g. naming identities after
   * `cluster`); a failure is logged as a warning and does not fail the stage.
   */
  after?: (ctx: StageContext) => Promise<void>;
}

/** Every stage, in pipeline order; the compiler rejects a stage without a spec. */
export const STAGE_SPECS = {
  detect_track: {
    run: runDetectTrack,
    upstream: null,
    outputs: (p) => [
      p.detections,
      p.tracks,
      p.trackMetrics,
      p.shots,
      p.cropsDir,
      p.checkpoint('detect_track'),
    ],
  },
  faces_embed: {
    run: runFacesEmbed,
    upstream: 'detect_track',
    outputs: (p) => [p.faces, p.embeddings, p.thumbsDir],
  },
  cluster: {
    run: runCluster,
    upstream: 'faces_embed',
    outputs: (p) => [p.identities],
    after: nameIdentities,
  },
  screentime: {
    run: runScreentime,
    upstream: 'cluster',
    outputs: (p) => [
      p.screentime,
      p.screentimeCsv,
      p.timelineCsv,
      p.castScreentimeCsv,
      p.castTimelineCsv,
    ],
  },
} satisfies Record<Stage, StageSpec>;
