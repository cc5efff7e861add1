/**
 * @module Season screen time: per episode of a show's season, the live cast screen time of its newest clustered
 * run (it follows every review edit at once), its review state (identities and seconds still unassigned,
 * re-clustering conflicts, stale stages), per cast member the seconds of each episode and of the season, and the
 * co-appearance matrix.
 *
 * Where this layer sits: `src/report` is above `src/jobs`, `src/pipeline` and `src/review`, and below `src/cli` and
 * `src/api` (imports point down only). It reads stale stages through the jobs layer's `episodeStatus`, so "stale"
 * means exactly what the Episode Detail page shows, with no second copy of the rule; nothing in `src/jobs` imports
 * it.
 */
import type { Config } from '../config/index.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { createJobsContext, episodeStatus } from '../jobs/index.ts';
import { episodeCastScreentime } from '../pipeline/index.ts';
import { openReview } from '../review/index.ts';
import {
  listEpisodes,
  listRuns,
  listShows,
  readMarker,
  runPaths,
  type Db,
  type Episode,
} from '../store/index.ts';
import { STAGES, type Interval } from '../types.ts';
import { coAppearance, type CoAppearance } from './co-appearance.ts';

/** What the report reads: the config (`data_dir`, `jobs.stall_after_s`) and the open database. */
export interface ReportDeps {
  /** The frozen config. */
  config: Config;
  /** Open database of `config.data_dir`. */
  db: Db;
}

/** One cast member's screen time in one episode. */
export interface EpisodeCastSeconds {
  /** Cast id. */
  cast_id: string;
  /** Cast member's name. */
  name: string;
  /** Seconds on screen in the episode. */
  seconds: number;
  /** `seconds / duration_s` of the episode, in [0, 1]. */
  share: number;
}

/** One episode of a season report. */
export interface SeasonEpisode {
  /** Episode id. */
  ep_id: string;
  /** Episode number within the season. */
  episode: number;
  /** Title, or null. */
  title: string | null;
  /** The newest run whose cluster stage succeeded, or null when there is none (then `cast` is empty). */
  run_id: string | null;
  /** Video duration in seconds, or null without a clustered run. */
  duration_s: number | null;
  /** Review version the cast seconds reflect, or null. */
  review_version: number | null;
  /** Cast members on screen, most seconds first. */
  cast: EpisodeCastSeconds[];
  /** Seconds of tracks that resolve to no cast member. */
  unassigned_s: number;
  /** Identities not assigned to a cast member. */
  identities_unassigned: number;
  /** Number of re-clustering conflicts the reviewer still has to settle. */
  conflicts: number;
  /** Stages of the run (of the latest run without a clustered one) whose status is `stale`, in pipeline order. */
  stale_stages: string[];
  /** Why the clustered run's screen time could not be read (artifacts missing), or null. */
  error: string | null;
}

/** One cast member over the season. */
export interface SeasonCastMember {
  /** Cast id. */
  cast_id: string;
  /** Cast member's name. */
  name: string;
  /** Seconds per episode id (0 where the cast member is not on screen or the episode has no clustered run). */
  seconds_by_episode: Record<string, number>;
  /** Seconds over the season. */
  total_s: number;
  /** `total_s / total_duration_s`, in [0, 1]. */
  share: number;
}

/** Screen time of a season (`GET /shows/{show}/seasons/{season}`). */
export interface SeasonReport {
  /** Show id. */
  show_id: string;
  /** Season number. */
  season: number;
  /** Seconds of video over the episodes with a clustered run. */
  total_duration_s: number;
  /** Episodes by number. */
  episodes: SeasonEpisode[];
  /** Cast members on screen in any episode, most seconds first. */
  cast: SeasonCastMember[];
  /** Seconds two cast members share the screen, over the season (rows and columns in the order of `cast`). */
  co_appearance: CoAppearance;
}

/** A season of a show and how many episodes it has. */
export interface SeasonSummary {
  /** Season number. */
  season: number;
  /** Registered episodes in it. */
  episodes: number;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;

/**
 * @param deps - config and database
 * @param showId - show id
 * @returns the show's seasons with their episode counts, ascending (empty for a show without episodes)
 */
export async function listSeasons(
  deps: Pick<ReportDeps, 'db'>,
  showId: string,
): Promise<SeasonSummary[]> {
  const counts = new Map<number, number>();
  for (const ep of await listEpisodes(deps.db, { showId })) {
    counts.set(ep.season, (counts.get(ep.season) ?? 0) + 1);
  }
  return [...counts].map(([season, episodes]) => ({ season, episodes }));
}

async function newestClusteredRun(deps: ReportDeps, ep: Episode): Promise<string | null> {
  const run = (await listRuns(deps.db, ep.ep_id)).find(
    (r) =>
      readMarker(runPaths(deps.config.data_dir, ep.ep_id, r.run_id).marker('cluster'))?.status ===
      'success',
  );
  return run?.run_id ?? null;
}

async function staleStages(
  deps: ReportDeps,
  epId: string,
  runId: string | null,
): Promise<string[]> {
  const status = await episodeStatus(
    createJobsContext(deps.config, deps.db),
    epId,
    runId ?? undefined,
  );
  return STAGES.filter((s) => status.stages[s].status === 'stale');
}

interface EpisodeResult {
  row: SeasonEpisode;
  intervals: Map<string, Interval[]>;
}

async function episodeResult(deps: ReportDeps, ep: Episode): Promise<EpisodeResult> {
  const runId = await newestClusteredRun(deps, ep);
  const row: SeasonEpisode = {
    ep_id: ep.ep_id,
    episode: ep.episode,
    title: ep.title,
    run_id: runId,
    duration_s: null,
    review_version: null,
    cast: [],
    unassigned_s: 0,
    identities_unassigned: 0,
    conflicts: 0,
    stale_stages: await staleStages(deps, ep.ep_id, runId),
    error: null,
  };
  const intervals = new Map<string, Interval[]>();
  if (runId === null) {
    return { row, intervals };
  }
  try {
    const target = { epId: ep.ep_id, runId };
    const live = await episodeCastScreentime(deps, target);
    row.duration_s = live.duration_s;
    row.review_version = live.review?.version ?? null;
    row.cast = live.cast.map((c) => ({
      cast_id: c.cast_id,
      name: c.name,
      seconds: c.seconds,
      share: c.share,
    }));
    row.unassigned_s = live.unassigned.seconds;
    row.identities_unassigned = live.identities.filter((i) => i.cast_id === null).length;
    row.conflicts = (await openReview(deps, target)).state.conflicts.length;
    for (const c of live.cast) {
      intervals.set(c.cast_id, c.intervals);
    }
  } catch (err) {
    // A broken run (artifacts removed) must not hide the rest of the season: the episode says why instead.
    if (!(err instanceof AppError)) {
      throw err;
    }
    row.error = err.message;
  }
  return { row, intervals };
}

/**
 * Screen time of a season, from the current review state of each episode (no stage is re-run).
 * @param deps - config and database
 * @param showId - show id
 * @param season - season number
 * @returns the season report: episodes by number, cast members by season seconds, co-appearance matrix
 * @throws NotFoundError (`NOT_FOUND`) when the show is unknown or has no episode in that season
 */
export async function seasonScreentime(
  deps: ReportDeps,
  showId: string,
  season: number,
): Promise<SeasonReport> {
  if (!(await listShows(deps.db)).some((s) => s.show_id === showId)) {
    throw new NotFoundError(`Show ${showId} is unknown: GET /shows lists the shows`);
  }
  const episodes = (await listEpisodes(deps.db, { showId })).filter((e) => e.season === season);
  if (episodes.length === 0) {
    const have = (await listSeasons(deps, showId)).map((s) => s.season);
    throw new NotFoundError(
      `Show ${showId} has no episode in season ${season}` +
        (have.length > 0 ? ` (its seasons: ${have.join(', ')})` : ': register episodes first'),
    );
  }
  const results: EpisodeResult[] = [];
  for (const ep of episodes) {
    results.push(await episodeResult(deps, ep));
  }
  const totalDurationS = round3(results.reduce((sum, r) => sum + (r.row.duration_s ?? 0), 0));
  const byCast = new Map<string, SeasonCastMember>();
  for (const { row } of results) {
    for (const c of row.cast) {
      const member = byCast.get(c.cast_id) ?? {
        cast_id: c.cast_id,
        name: c.name,
        seconds_by_episode: Object.fromEntries(episodes.map((e) => [e.ep_id, 0])),
        total_s: 0,
        share: 0,
      };
      member.seconds_by_episode[row.ep_id] = c.seconds;
      member.total_s += c.seconds;
      byCast.set(c.cast_id, member);
    }
  }
  const cast = [...byCast.values()]
    .map((m) => ({
      ...m,
      total_s: round3(m.total_s),
      share: totalDurationS > 0 ? round4(m.total_s / totalDurationS) : 0,
    }))
    .sort((a, b) => b.total_s - a.total_s || a.name.localeCompare(b.name));
  return {
    show_id: showId,
    season,
    total_duration_s: totalDurationS,
    episodes: results.map((r) => r.row),
    cast,
    co_appearance: coAppearance(
      cast.map((c) => c.cast_id),
      results.map((r) => r.intervals),
    ),
  };
}
