/**
 * @module The exports step of the season browser test: click CSV, XLSX and PDF on the Season page, save each
 * download, and open it as a user would: parse the CSV, read the workbook back with exceljs, and `pdftotext` the
 * PDF; each must hold the cast members and their season totals.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { SeasonReport } from '../../src/report/index.ts';

/** One season total the exports must show. */
export interface ExpectedTotal {
  /** Cast member name. */
  name: string;
  /** Season seconds. */
  totalS: number;
}

/**
 * Clicks a download button of the page and saves the file.
 * @returns the saved file's path
 */
async function download(page: Page, label: string, dir: string): Promise<string> {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: label, exact: true }).click(),
  ]);
  const path = join(dir, dl.suggestedFilename());
  await dl.saveAs(path);
  return path;
}

/**
 * Downloads the three exports from the Season page (already open) and checks each against the report.
 * @param page - the Season page
 * @param report - the season report the page shows
 * @param dir - where the downloads go
 */
export async function checkSeasonExports(
  page: Page,
  report: SeasonReport,
  dir: string,
): Promise<void> {
  const csvPath = await download(page, 'CSV', dir);
  const [header, ...lines] = (await readFile(csvPath, 'utf8')).trim().split(/\r?\n/);
  expect(header).toBe('show,season,episode,cast_id,name,seconds,share');
  const rows = lines.map((l) => l.split(','));
  for (const c of report.cast) {
    const mine = rows.filter((r) => r[3] === c.cast_id);
    expect(mine.length, c.cast_id).toBeGreaterThan(0);
    const sumS = mine.reduce((s, r) => s + Number(r[5]), 0);
    expect(sumS).toBeCloseTo(c.total_s, 0);
  }

  const xlsxPath = await download(page, 'XLSX', dir);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsxPath);
  expect(book.worksheets.length).toBeGreaterThanOrEqual(1 + report.episodes.length);
  const cells: string[] = [];
  book.worksheets[0]!.eachRow((row) =>
    row.eachCell((cell) => {
      cells.push(cell.text);
    }),
  );
  for (const c of report.cast) {
    expect(cells).toContain(c.name);
  }

  const pdfPath = await download(page, 'PDF', dir);
  expect((await readFile(pdfPath)).subarray(0, 5).toString()).toBe('%PDF-');
  const text = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  expect(text.status, text.stderr).toBe(0);
  for (const c of report.cast) {
    expect(text.stdout).toContain(c.name);
    expect(text.stdout).toContain(c.total_s.toFixed(1));
  }
}
