/**
 * @module Stage `screentime`: per identity (after review: merges, moves, splits applied), the union of its tracks'
 * intervals (each analysed frame standing for the half sampling step either side of it) merged across small gaps
 * and clamped to the video; per cast member the same over the tracks that resolve to it (track override before identity
 * assignment), and an `unassigned` bucket. Writes `screentime.json`, `screentime.csv`, the per-second
 * `timeline.csv`, and per cast member `cast_screentime.csv` and `cast_timeline.csv`.
 */
import { ConflictError, NotFoundError } from '../../errors.ts';
import { initialState, openReview, type ReviewState } from '../../review/index.ts';
import {
  listCastMembers,
  openDatabase,
  readIdentities,
  readJsonl,
  readMarker,
  writeFileAtomic,
  writeJsonAtomic,
  type RunPaths,
} from '../../store/index.ts';
import type { Interval } from '../../types.ts';
import type { StageContext, StageOutcome } from '../context.ts';
import type { TrackRow } from '../detect-track/index.ts';
import type { EmbeddedTrackRow } from '../faces-embed/index.ts';
import { castScreentime, type CastBucket, type CastRow } from './cast.ts';
import {
  clampIntervals,
  formatTimelineCsv,
  mergeIntervals,
  perSecondTimeline,
  totalSeconds,
} from './intervals.ts';
import { roundTo } from '../round.ts';

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
  /** Cast members, most screen time first (overlapping tracks of one cast member count once). */
  cast: CastRow[];
  /** Tracks that resolve to no cast member (unassigned identities, unclustered tracks); ignored tracks excluded. */
  unassigned: CastBucket;
  /** The review applied: its id and version (null when the episode is not in the database). */
  review: { review_id: number; version: number } | null;
}

/** The review state of the run, the cast names, and which review it is. */
export interface ReviewedRun {
  /** Folded review state (identities after edits, overrides). */
  state: ReviewState;
  /** Cast id to name. */
  names: Map<string, string>;
  /** Review id and version, or null when the episode is not in the database. */
  review: ScreentimeFile['review'];
}

/**
 * Reads the run's review from the database (creating it, and carrying earlier work over, when the clustering is
 * new). An episode or run the database does not know gets the clustering as it is, with a warning.
 */
async function readReviewedRun(ctx: StageContext): Promise<ReviewedRun> {
  const db = await openDatabase(ctx.config.data_dir, ctx.config.database);
  try {
    const opened = await openReview(
      { config: ctx.config, db },
      { epId: ctx.epId, runId: ctx.runId },
    );
    const names = new Map(
      (await listCastMembers(db, opened.showId)).items.map((c) => [c.cast_id, c.name]),
    );
    const review = { review_id: opened.review.review_id, version: opened.review.version };
    return { state: opened.state, names, review };
  } catch (err) {
    if (!(err instanceof NotFoundError)) {
      throw err;
    }
    ctx.log.warn('screentime.no_review', { reason: err.message });
    const file = readIdentities(ctx.paths.identities)!;
    const tracks = readJsonl<EmbeddedTrackRow>(ctx.paths.tracks);
    const trackFaces = Object.fromEntries(tracks.map((t) => [String(t.track_id), t.faces ?? 0]));
    const state = initialState({ ...file, track_faces: trackFaces });
    return { state, names: new Map(), review: null };
  } finally {
    await db.close();
  }
}

/** What screen time is computed from, besides the reviewed run. */
export interface ScreentimeInputs {
  /** Episode id. */
  epId: string;
  /** Run id. */
  runId: string;
  /** The run's artifact paths (`tracks.jsonl` and the detect_track marker are read). */
  paths: RunPaths;
  /** Video duration, seconds. */
  durationS: number;
  /** Video frame rate, frames per second (with detect_track's stride: the sampling step). */
  fps: number;
  /** Gaps up to this many seconds are closed. */
  gapS: number;
}

/**
 * Screen time of a reviewed run: per identity and per cast member, from the tracks' spans.
 * @param reviewed - review state, cast names and which review it is
 * @param inputs - ids, paths, duration (s), frame rate, gap tolerance (s)
 * @returns the content of `screentime.json`
 * @throws NotFoundError when `tracks.jsonl` is missing
 */
export function computeScreentime(reviewed: ReviewedRun, inputs: ScreentimeInputs): ScreentimeFile {
  const { state, names, review } = reviewed;
  const { durationS, gapS } = inputs;
  const tracks = new Map(readJsonl<TrackRow>(inputs.paths.tracks).map((t) => [t.track_id, t]));
  const halfStepS = sampleStepS(inputs.paths, inputs.fps) / 2;
  const spanOf = (id: number): Interval | null => {
    const cut = state.track_spans?.[String(id)];
    if (cut) {
      return cut;
    }
    const t = tracks.get(id);
    return t ? [t.first_ts, t.last_ts] : null;
  };
  const rows: ScreentimeRow[] = state.identities
    .map((idn) => {
      const raw = idn.track_ids.flatMap((id): Interval[] => {
        const span = spanOf(id);
        return span ? [[span[0] - halfStepS, span[1] + halfStepS]] : [];
      });
      const intervals = mergeIntervals(clampIntervals(raw, durationS), gapS).map(
        ([a, b]): Interval => [roundTo(a, 3), roundTo(b, 3)],
      );
      const seconds = totalSeconds(intervals);
      return {
        identity_id: idn.identity_id,
        cast_id: idn.cast_id,
        name: idn.cast_id ? (names.get(idn.cast_id) ?? idn.cast_id) : null,
        seconds: roundTo(seconds, 3),
        share: durationS > 0 ? roundTo(seconds / durationS, 4) : 0,
        intervals,
        track_ids: idn.track_ids,
        faces: idn.faces,
      };
    })
    .sort((a, b) => b.seconds - a.seconds || a.identity_id.localeCompare(b.identity_id));
  const { cast, unassigned } = castScreentime(state, spanOf, names, { durationS, halfStepS, gapS });
  return {
    schema_version: 1,
    ep_id: inputs.epId,
    run_id: inputs.runId,
    duration_s: durationS,
    gap_tolerance_s: gapS,
    sample_step_s: roundTo(2 * halfStepS, 4),
    identities: rows,
    cast,
    unassigned,
    review,
  };
}

/**
 * Runs screentime over the run's identities.
 * @param ctx - stage context; uses `config.screentime.gap_tolerance_s`
 * @returns counts (identities), zero_rows when there is no identity
 * @throws ConflictError when `identities.json` is missing, NotFoundError when `tracks.jsonl` is (run cluster first)
 */
export async function runScreentime(ctx: StageContext): Promise<StageOutcome> {
  const { config, paths, log } = ctx;
  const durationS = ctx.source.probe.duration_s;
  const gapS = config.screentime.gap_tolerance_s;
  if (!readIdentities(paths.identities)) {
    throw new ConflictError(`identities.json is missing in run ${ctx.runId}: run cluster first`);
  }
  const file = computeScreentime(await readReviewedRun(ctx), {
    epId: ctx.epId,
    runId: ctx.runId,
    paths,
    durationS,
    fps: ctx.source.probe.fps,
    gapS,
  });
  const { cast, identities: rows } = file;
  const csv = screentimeCsvFiles(file);
  writeJsonAtomic(paths.screentime, file);
  writeFileAtomic(paths.castScreentimeCsv, csv.castScreentime);
  writeFileAtomic(paths.castTimelineCsv, csv.castTimeline);
  writeFileAtomic(paths.screentimeCsv, csv.screentime);
  writeFileAtomic(paths.timelineCsv, csv.timeline);
  const counts = {
    identities: rows.length,
    cast: cast.length,
    identities_assigned: rows.filter((r) => r.cast_id).length,
  };
  log.info('screentime.finished', counts);
  return {
    counts,
    zeroRows: rows.length === 0,
    params: { gap_tolerance_s: gapS },
  };
}

/**
 * The CSV files of a screen-time result.
 * @param file - the `screentime.json` content
 * @returns `castScreentime` (cast_id,name,seconds,share,identities,tracks plus an `(unassigned)` row),
 *   `castTimeline` (per second, one column per cast member and `unassigned`, coverage 0..1), `screentime` (per
 *   identity) and `timeline` (per second, one column per identity)
 */
export function screentimeCsvFiles(file: ScreentimeFile): {
  castScreentime: string;
  castTimeline: string;
  screentime: string;
  timeline: string;
} {
  const { cast, unassigned, identities: rows, duration_s: durationS } = file;
  return {
    castScreentime: toCastCsv(cast, unassigned),
    castTimeline: formatTimelineCsv(
      perSecondTimeline(
        new Map([
          ...cast.map((c): [string, Interval[]] => [c.cast_id, c.intervals]),
          ['unassigned', unassigned.intervals],
        ]),
        durationS,
      ),
    ),
    screentime: toCsv(rows),
    timeline: formatTimelineCsv(
      perSecondTimeline(new Map(rows.map((r) => [r.identity_id, r.intervals])), durationS),
    ),
  };
}

/** Seconds between analysed frames: detect_track's stride over the video's frame rate. */
function sampleStepS(paths: RunPaths, fps: number): number {
  const stride = readMarker(paths.marker('detect_track'))?.params.stride;
  return typeof stride === 'number' ? stride / fps : 0;
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

function toCastCsv(cast: CastRow[], unassigned: CastBucket): string {
  const lines = ['cast_id,name,seconds,share,identities,tracks'];
  for (const c of cast) {
    lines.push(
      [
        c.cast_id,
        csvField(c.name),
        c.seconds,
        c.share,
        c.identity_ids.length,
        c.track_ids.length,
      ].join(','),
    );
  }
  const u = unassigned;
  lines.push(
    ['', '(unassigned)', u.seconds, u.share, u.identity_ids.length, u.track_ids.length].join(','),
  );
  return `${lines.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
