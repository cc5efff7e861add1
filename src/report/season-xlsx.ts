/**
 * @module XLSX export of a season with exceljs: a `Season` sheet (cast member x episode seconds, season total and
 * share) and one sheet per episode (its cast members' seconds and share, the unassigned seconds, its review state).
 * @see https://github.com/exceljs/exceljs
 */
import ExcelJS from 'exceljs';
import type { SeasonReport } from './season.ts';

/** Name of the season sheet. */
export const SEASON_SHEET = 'Season';

/**
 * @param episode - episode number
 * @returns the name of that episode's sheet, e.g. `E03`
 */
export function episodeSheetName(episode: number): string {
  return `E${String(episode).padStart(2, '0')}`;
}

function seasonSheet(book: ExcelJS.Workbook, report: SeasonReport): void {
  const sheet = book.addWorksheet(SEASON_SHEET);
  const eps = report.episodes;
  sheet.addRow([
    'cast_id',
    'name',
    ...eps.map((e) => episodeSheetName(e.episode)),
    'total_s',
    'share',
  ]);
  for (const c of report.cast) {
    sheet.addRow([
      c.cast_id,
      c.name,
      ...eps.map((e) => c.seconds_by_episode[e.ep_id] ?? 0),
      c.total_s,
      c.share,
    ]);
  }
  sheet.addRow([
    '',
    'duration_s',
    ...eps.map((e) => e.duration_s ?? ''),
    report.total_duration_s,
    '',
  ]);
  sheet.getRow(1).font = { bold: true };
  sheet.getColumn(2).width = 24;
  sheet.getColumn(eps.length + 4).numFmt = '0.0%';
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 1 }];
}

function episodeSheet(
  book: ExcelJS.Workbook,
  report: SeasonReport,
  ep: SeasonReport['episodes'][number],
): void {
  const sheet = book.addWorksheet(episodeSheetName(ep.episode));
  sheet.addRow(['cast_id', 'name', 'seconds', 'share']);
  sheet.getRow(1).font = { bold: true };
  for (const c of ep.cast) {
    sheet.addRow([c.cast_id, c.name, c.seconds, c.share]);
  }
  sheet.addRow([
    '',
    'unassigned',
    ep.unassigned_s,
    ep.duration_s ? ep.unassigned_s / ep.duration_s : 0,
  ]);
  sheet.getColumn(2).width = 24;
  sheet.getColumn(4).numFmt = '0.0%';
  sheet.addRow([]);
  const facts: [string, string | number][] = [
    ['show', report.show_id],
    ['season', report.season],
    ['episode', ep.episode],
    ['ep_id', ep.ep_id],
    ['title', ep.title ?? ''],
    ['run_id', ep.run_id ?? 'no clustered run'],
    ['duration_s', ep.duration_s ?? ''],
    ['review_version', ep.review_version ?? ''],
    ['identities_unassigned', ep.identities_unassigned],
    ['conflicts', ep.conflicts],
    ['stale_stages', ep.stale_stages.join(' ')],
  ];
  if (ep.error) {
    facts.push(['error', ep.error]);
  }
  for (const [key, value] of facts) {
    sheet.addRow([key, value]);
  }
}

/**
 * The season as an XLSX workbook.
 * @param report - the season report (`seasonScreentime`)
 * @returns the `.xlsx` bytes: sheet `Season` (header `cast_id, name, E01.., total_s, share`, one row per cast member,
 *   seconds; a last `duration_s` row) and one sheet `E{NN}` per episode
 */
export async function seasonXlsx(report: SeasonReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'screenalytics';
  seasonSheet(book, report);
  for (const ep of report.episodes) {
    episodeSheet(book, report, ep);
  }
  const bytes = await book.xlsx.writeBuffer();
  return Buffer.from(bytes);
}
