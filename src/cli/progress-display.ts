/**
 * @module Per-stage progress on the terminal: bars (frames, %, fps, ETA) on a TTY, plain log lines otherwise.
 */
import cliProgress from 'cli-progress';
import type { Stage } from '../types.ts';

/** One progress report for the display. */
export interface ProgressReport {
  /** Stage reporting. */
  stage: Stage;
  /** Units done. */
  framesDone: number;
  /** Units in all (0 = unknown). */
  framesTotal: number;
  /** Units per second since the stage started. */
  fps: number;
  /** Estimated seconds left, or null when unknown. */
  etaS: number | null;
}

/** Draws progress for the stages of one command. */
export interface ProgressDisplay {
  /** Updates the current stage's progress. */
  update(report: ProgressReport): void;
  /** Ends the current stage's bar or line. */
  finish(stage: Stage, summary: string): void;
}

const PLAIN_INTERVAL_MS = 5000;

/**
 * Picks the display for the stream: bars when `stream.isTTY`, else one plain line every few seconds.
 * @param stream - where to draw (default: `process.stderr`, so stdout stays clean for the table or JSON)
 */
export function createProgressDisplay(
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  return stream.isTTY ? barDisplay(stream) : plainDisplay(stream);
}

function barDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let bar: cliProgress.SingleBar | null = null;
  let current: Stage | null = null;
  return {
    update(r) {
      if (current !== r.stage || !bar) {
        bar?.stop();
        current = r.stage;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${r.stage.padEnd(12)} {bar} {percentage}% | {value}/{total} | {fps} fps | ETA {eta_s}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(r.framesTotal, 1), 0, { fps: '0.0', eta_s: '-' });
      }
      bar.setTotal(Math.max(r.framesTotal, r.framesDone, 1));
      bar.update(r.framesDone, {
        fps: r.fps.toFixed(1),
        eta_s: r.etaS === null ? '-' : `${Math.round(r.etaS)}s`,
      });
    },
    finish(stage, summary) {
      if (current === stage) {
        bar?.stop();
        bar = null;
        current = null;
      }
      stream.write(`${stage}: ${summary}\n`);
    },
  };
}

function plainDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let lastAtMs = 0;
  return {
    update(r) {
      const now = Date.now();
      if (now - lastAtMs < PLAIN_INTERVAL_MS) {
        return;
      }
      lastAtMs = now;
      const pct = r.framesTotal > 0 ? ((100 * r.framesDone) / r.framesTotal).toFixed(1) : '?';
      const eta = r.etaS === null ? '-' : `${Math.round(r.etaS)}s`;
      stream.write(
        `${r.stage}: ${r.framesDone}/${r.framesTotal} (${pct}%) ${r.fps.toFixed(1)} fps ETA ${eta}\n`,
      );
    },
    finish(stage, summary) {
      stream.write(`${stage}: ${summary}\n`);
    },
  };
}
