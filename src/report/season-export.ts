/**
 * @module The season export formats in one place (file name, content type, bytes), shared by the API's downloads
 * and `screenalytics export`.
 */
import { seasonCsv } from './season-csv.ts';
import { seasonPdf } from './season-pdf.ts';
import { seasonXlsx } from './season-xlsx.ts';
import type { SeasonReport } from './season.ts';

/** Export formats of a season. */
export const SEASON_EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;

/** An export format of a season. */
export type SeasonExportFormat = (typeof SEASON_EXPORT_FORMATS)[number];

/** Content type of each export format. */
export const SEASON_EXPORT_TYPES: Record<SeasonExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/**
 * @param showId - show id
 * @param season - season number
 * @param format - export format (the file extension)
 * @returns the export's file name, e.g. `fotb-s01.xlsx`
 */
export function seasonFileName(showId: string, season: number, format: SeasonExportFormat): string {
  return `${showId}-s${String(season).padStart(2, '0')}.${format}`;
}

/**
 * @param report - the season report (`seasonScreentime`)
 * @param format - `csv` (long format), `xlsx` (season sheet and one per episode) or `pdf` (table, charts, review state)
 * @returns the file's bytes
 */
export async function exportSeason(
  report: SeasonReport,
  format: SeasonExportFormat,
): Promise<Buffer> {
  switch (format) {
    case 'csv':
      return Buffer.from(seasonCsv(report), 'utf8');
    case 'xlsx':
      return seasonXlsx(report);
    case 'pdf':
      return seasonPdf(report);
  }
}
