/**
 * @module `screenalytics export SHOW --season N --format csv|xlsx|pdf [--out FILE]`: writes a season's screen time
 * (live from the review of each episode's newest clustered run) as CSV, XLSX or PDF, and prints the file's path.
 */
import { resolve } from 'node:path';
import type { Config } from '../../config/index.ts';
import { InputError } from '../../errors.ts';
import {
  exportSeason,
  SEASON_EXPORT_FORMATS,
  seasonFileName,
  seasonScreentime,
  type SeasonExportFormat,
} from '../../report/index.ts';
import { openDatabase, writeFileAtomic } from '../../store/index.ts';

/** Options of `export`. */
export interface ExportOptions {
  /** Season number (required), 0..99. */
  season?: number;
  /** `csv`, `xlsx` or `pdf` (required). */
  format?: string;
  /** File to write (default: `{show}-s{NN}.{format}` in the working directory). */
  out?: string;
}

/**
 * Writes the season export and prints its absolute path on stdout.
 * @param showId - show id
 * @param config - loaded config (`data_dir`)
 * @param opts - season, format, output file
 * @returns the path written
 * @throws InputError (`INPUT_INVALID`) for a bad season or format; NotFoundError (`NOT_FOUND`) for an unknown show
 *   or a season without episodes
 */
export async function exportCommand(
  showId: string,
  config: Config,
  opts: ExportOptions,
): Promise<string> {
  const { season, format } = opts;
  if (season === undefined || !Number.isInteger(season) || season < 0 || season > 99) {
    throw new InputError(`Invalid --season ${String(season)}: expected an integer 0..99`);
  }
  if (!SEASON_EXPORT_FORMATS.includes(format as SeasonExportFormat)) {
    throw new InputError(
      `Invalid --format ${String(format)}: expected one of ${SEASON_EXPORT_FORMATS.join(', ')}`,
    );
  }
  const fmt = format as SeasonExportFormat;
  const db = await openDatabase(config.data_dir, config.database);
  try {
    const report = await seasonScreentime({ config, db }, showId, season);
    const bytes = await exportSeason(report, fmt);
    const out = resolve(opts.out ?? seasonFileName(showId, season, fmt));
    writeFileAtomic(out, bytes);
    process.stdout.write(`${out}\n`);
    return out;
  } finally {
    await db.close();
  }
}
