/**
 * @module Stage `screentime`: per identity, the union of its tracks' intervals (each analysed frame standing for the
 * half sampling step either side of it) merged across small gaps and clamped to the video; writes `screentime.json`, `screentime.csv` and the per-second `timeline.csv`.
 */
import { ConflictError } from '../../errors.ts';
import {
  readIdentities,
  readJsonl,
  readMarker,
  writeFileAtomic,
  writeJsonAtomic,
} from '../../store/index.ts';
import type { Interval } from '../../types.ts';
import type { StageContext, StageOutcome } from '../context.ts';
import type { TrackRow } from '../detect-track/index.ts';
import {
  clampIntervals,
  formatTimelineCsv,
  mergeIntervals,
  perSecondTimeline,
  totalSeconds,
} from './intervals.ts';

/** One identity of `screentime.json`. */
export interface ScreentimeRow {
  /** Identity id (`id_0001`). */
  identity_id: string;
  /** Cast member assigned by a reviewer, or null. */
  cast_id: string | null;
  /** Cast member's name, or null. */
  name: string | null;
  /** Seconds on screen. */
  seconds: number;
  /** `seconds / duration_s`, in [0, 1]. */
  share: number;
  /** Merged visible intervals `[start_s, end_s]`. */
  intervals: Interval[];
  /** Tracks of the identity. */
  track_ids: number[];
  /** Embedded face samples of the identity. */
  faces: number;
}

/** The content of `screentime.json` (read by other tools: keep this shape, add fields freely). */
export interface ScreentimeFile {
  /** Artifact version. */
  schema_version: 1;
  /** Episode id. */
  ep_id: string;
  /** Run id. */
  run_id: string;
  /** Video duration in seconds. */
  duration_s: number;
  /** Gap tolerance used, seconds. */
  gap_tolerance_s: number;
  /** Seconds between analysed frames; each detection stands for the half step either side of it. */
  sample_step_s: number;
  /** Identities, most screen time first. */
  identities: ScreentimeRow[];
}

/**
 * Runs screentime over the run's identities.
 * @param ctx - stage context; uses `config.screentime.gap_tolerance_s`
 * @returns counts (identities), zero_rows when there is no identity
 * @throws ConflictError when `identities.json` is missing, NotFoundError when `tracks.jsonl` is (run cluster first)
 */
export function runScreentime(ctx: StageContext): Promise<StageOutcome> {
  const { config, paths, log } = ctx;
  const durationS = ctx.source.probe.duration_s;
  const gapS = config.screentime.gap_tolerance_s;
  const identities = readIdentities(paths.identities);
  if (!identities) {
    throw new ConflictError(`identities.json is missing in run ${ctx.runId}: run cluster first`);
  }
  const tracks = new Map(readJsonl<TrackRow>(paths.tracks).map((t) => [t.track_id, t]));
  const halfStepS = sampleStepS(ctx) / 2;
  const rows: ScreentimeRow[] = identities.identities
    .map((idn) => {
      const raw = idn.track_ids.map((id): Interval => {
        const t = tracks.get(id)!;
        return [t.first_ts - halfStepS, t.last_ts + halfStepS];
      });
      const intervals = mergeIntervals(clampIntervals(raw, durationS), gapS).map(
        ([a, b]): Interval => [round(a, 3), round(b, 3)],
      );
      const seconds = totalSeconds(intervals);
      return {
        identity_id: idn.identity_id,
        cast_id: null,
        name: null,
        seconds: round(seconds, 3),
        share: durationS > 0 ? round(seconds / durationS, 4) : 0,
        intervals,
        track_ids: idn.track_ids,
        faces: idn.faces,
      };
    })
    .sort((a, b) => b.seconds - a.seconds || a.identity_id.localeCompare(b.identity_id));

  const file: ScreentimeFile = {
    schema_version: 1,
    ep_id: ctx.epId,
    run_id: ctx.runId,
    duration_s: durationS,
    gap_tolerance_s: gapS,
    sample_step_s: round(2 * halfStepS, 4),
    identities: rows,
  };
  writeJsonAtomic(paths.screentime, file);
  writeFileAtomic(paths.screentimeCsv, toCsv(rows));
  writeFileAtomic(
    paths.timelineCsv,
    formatTimelineCsv(
      perSecondTimeline(new Map(rows.map((r) => [r.identity_id, r.intervals])), durationS),
    ),
  );
  const counts = { identities: rows.length };
  log.info('screentime.finished', counts);
  return Promise.resolve({
    counts,
    zeroRows: rows.length === 0,
    params: { gap_tolerance_s: gapS },
  });
}

/** Seconds between analysed frames: detect_track's stride over the video's frame rate. */
function sampleStepS(ctx: StageContext): number {
  const stride = readMarker(ctx.paths.marker('detect_track'))?.params.stride;
  return typeof stride === 'number' ? stride / ctx.source.probe.fps : 0;
}

function toCsv(rows: ScreentimeRow[]): string {
  const lines = ['identity_id,cast_id,name,seconds,share,tracks,faces'];
  for (const r of rows) {
    lines.push(
      [
        r.identity_id,
        r.cast_id ?? '',
        csvField(r.name ?? ''),
        r.seconds,
        r.share,
        r.track_ids.length,
        r.faces,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
