/**
 * @module The season table printed by `screenalytics run DIR --show S --season N`: cast member x episode seconds,
 * season total and share. (Beside table.ts, which holds the one-episode tables.)
 */
import Table from 'cli-table3';

/** What {@link formatSeasonTable} reads of a season report (`seasonScreentime` of src/report). */
export interface SeasonTableInput {
  /** Show id. */
  show_id: string;
  /** Season number. */
  season: number;
  /** Seconds of video over the episodes with a clustered run. */
  total_duration_s: number;
  /** Episodes by number: id, number, its clustered run (null: none), seconds still unassigned. */
  episodes: { ep_id: string; episode: number; unassigned_s: number; run_id: string | null }[];
  /** Cast members, most season seconds first: seconds per episode id, season total, share of the season. */
  cast: {
    name: string;
    seconds_by_episode: Record<string, number>;
    total_s: number;
    share: number;
  }[];
}

/**
 * Formats a season's cast screen time as a text table: one row per cast member (seconds in each episode, season
 * total in seconds, share of the season's duration), then the seconds no cast member was assigned. An episode
 * without a clustered run shows `-`.
 * @param report - the season report
 * @returns a heading line and the table (with a note when no cast member is named)
 */
export function formatSeasonTable(report: SeasonTableInput): string {
  const eps = report.episodes;
  const count = `${eps.length} ${eps.length === 1 ? 'episode' : 'episodes'}`;
  const heading = `${report.show_id} season ${report.season}: ${count}, ${report.total_duration_s.toFixed(1)} s`;
  const epLabel = (n: number): string => `E${String(n).padStart(2, '0')}`;
  const table = new Table({
    head: ['cast member', ...eps.map((e) => epLabel(e.episode)), 'season s', 'share'],
    colAligns: ['left', ...eps.map(() => 'right' as const), 'right', 'right'],
    style: { head: [], border: [] },
  });
  const cell = (e: { run_id: string | null }, s: number | undefined): string =>
    e.run_id === null ? '-' : (s ?? 0).toFixed(1);
  for (const c of report.cast) {
    table.push([
      c.name,
      ...eps.map((e) => cell(e, c.seconds_by_episode[e.ep_id])),
      c.total_s.toFixed(1),
      `${(c.share * 100).toFixed(1)}%`,
    ]);
  }
  const unassignedS = eps.reduce((a, e) => a + e.unassigned_s, 0);
  table.push([
    '(unassigned)',
    ...eps.map((e) => cell(e, e.unassigned_s)),
    unassignedS.toFixed(1),
    report.total_duration_s > 0
      ? `${((100 * unassignedS) / report.total_duration_s).toFixed(1)}%`
      : '-',
  ]);
  const note =
    report.cast.length === 0
      ? '\nNo cast member named yet: enroll the cast (screenalytics cast add) or name identities in Faces Review.'
      : '';
  return `${heading}\n${table.toString()}${note}`;
}
