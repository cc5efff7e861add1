/**
 * @module Progress of a season run on the terminal: one bar per episode on a TTY (percent of its four stages, the
 * stage it is in), plain lines otherwise (one when an episode enters a stage, at most one every few seconds per
 * running episode, one when it ends).
 */
import cliProgress from 'cli-progress';

/** Draws one line or bar per episode. */
export interface SeasonProgressDisplay {
  /**
   * Updates an episode.
   * @param epId - the episode
   * @param stage - stage it is in, or a state word (`queued`)
   * @param pct - percent of the episode's four stages done (0-100), or null when unknown
   */
  update(epId: string, stage: string, pct: number | null): void;
  /** Ends an episode's bar or line with a summary (`done in 12.3 s`, `error: ...`). */
  finish(epId: string, summary: string): void;
  /** Writes a line above the bars (warnings). */
  log(line: string): void;
  /** Stops drawing; the bars stay on screen. */
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5000;

/**
 * @param epIds - the episodes, in the order to draw them
 * @param stream - where to draw (default: `process.stderr`, so stdout stays clean for the table)
 * @returns bars on a TTY, else plain lines
 */
export function createSeasonDisplay(
  epIds: readonly string[],
  stream: NodeJS.WriteStream = process.stderr,
): SeasonProgressDisplay {
  return stream.isTTY ? barDisplay(epIds, stream) : plainDisplay(stream);
}

function barDisplay(epIds: readonly string[], stream: NodeJS.WriteStream): SeasonProgressDisplay {
  const width = Math.max(...epIds.map((e) => e.length));
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: `{ep} {bar} {percentage}% | {stage}`,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map(
    epIds.map((ep) => [ep, multi.create(100, 0, { ep: ep.padEnd(width), stage: 'waiting' })]),
  );
  return {
    update(epId, stage, pct) {
      const bar = bars.get(epId);
      if (pct === null) {
        bar?.update({ stage });
      } else {
        bar?.update(Math.floor(pct), { stage });
      }
    },
    finish(epId, summary) {
      bars.get(epId)?.update(100, { stage: summary });
    },
    log(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

function plainDisplay(stream: NodeJS.WriteStream): SeasonProgressDisplay {
  const last = new Map<string, { stage: string; atMs: number }>();
  return {
    update(epId, stage, pct) {
      const now = Date.now();
      const prev = last.get(epId);
      if (prev?.stage === stage && now - prev.atMs < PLAIN_INTERVAL_MS) {
        return;
      }
      last.set(epId, { stage, atMs: now });
      stream.write(
        `${epId}: ${stage}${pct === null ? '' : ` (${pct.toFixed(0)}% of the episode)`}\n`,
      );
    },
    finish(epId, summary) {
      stream.write(`${epId}: ${summary}\n`);
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {
      // Plain lines need no closing.
    },
  };
}
