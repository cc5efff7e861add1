/**
 * @module CSV export of a season, long format: one row per cast member per episode with a clustered run
 * (`show,season,episode,cast_id,name,seconds,share`), RFC 4180 quoting.
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
import type { SeasonReport } from './season.ts';

/** Header of the season CSV. */
export const SEASON_CSV_HEADER = [
  'show',
  'season',
  'episode',
  'cast_id',
  'name',
  'seconds',
  'share',
];

const quote = (field: string | number): string => {
  const s = String(field);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/**
 * The season as long-format CSV.
 * @param report - the season report (`seasonScreentime`)
 * @returns CSV text with a header line and CRLF line ends: per episode with a clustered run (by number), every cast
 *   member of the season (by season seconds) with the episode's `seconds` and `share` (0 when not on screen)
 */
export function seasonCsv(report: SeasonReport): string {
  const lines = [SEASON_CSV_HEADER.join(',')];
  for (const ep of report.episodes) {
    if (ep.run_id === null || ep.duration_s === null) {
      continue;
    }
    for (const member of report.cast) {
      const row = ep.cast.find((c) => c.cast_id === member.cast_id);
      const fields = [
        report.show_id,
        report.season,
        ep.episode,
        member.cast_id,
        member.name,
        row?.seconds ?? 0,
        row?.share ?? 0,
      ];
      lines.push(fields.map(quote).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
