/**
 * @module Public face of the report layer: season screen time (per cast member per episode and over the season,
 * co-appearance), its CSV / XLSX / PDF exports, and an episode's "who is on screen" WebVTT track.
 */
export {
  castVtt,
  onScreenCues,
  vttTimestamp,
  type NamedIntervals,
  type OnScreenCue,
} from './cast-vtt.ts';
export { coAppearance, intersectSeconds, type CoAppearance } from './co-appearance.ts';
export {
  listSeasons,
  seasonScreentime,
  type EpisodeCastSeconds,
  type ReportDeps,
  type SeasonCastMember,
  type SeasonEpisode,
  type SeasonReport,
  type SeasonSummary,
} from './season.ts';
export { SEASON_CSV_HEADER, seasonCsv } from './season-csv.ts';
export { seasonPdf } from './season-pdf.ts';
export { episodeSheetName, SEASON_SHEET, seasonXlsx } from './season-xlsx.ts';
export {
  exportSeason,
  SEASON_EXPORT_FORMATS,
  SEASON_EXPORT_TYPES,
  seasonFileName,
  type SeasonExportFormat,
} from './season-export.ts';
