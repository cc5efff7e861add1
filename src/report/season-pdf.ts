/**
 * @module PDF report of a season with pdfkit and its built-in Helvetica (no font file is read or downloaded): a title,
 * the season table (cast member x episode seconds, total, share), a stacked bar per episode drawn with vector shapes
 * (one colour per cast member, bar length in proportion to the episode's duration), and each episode's review state.
 * @see https://pdfkit.org/
 */
import PDFDocument from 'pdfkit';
import type { SeasonReport } from './season.ts';

type Doc = PDFKit.PDFDocument;

const MARGIN_PT = 40;
const ROW_PT = 16;
const EPISODES_PER_TABLE = 10;
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const UNASSIGNED_COLOUR = '#d9d9d9';

const seconds = (v: number): string => v.toFixed(1);
const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;
const epLabel = (n: number): string => `E${String(n).padStart(2, '0')}`;

/** Starts a new page when fewer than `heightPt` points are left on this one. */
function ensureSpace(doc: Doc, heightPt: number): void {
  if (doc.y + heightPt > doc.page.height - MARGIN_PT) {
    doc.addPage();
  }
}

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 3 * ROW_PT);
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('black');
  doc.text(text, MARGIN_PT, doc.y);
  doc.moveDown(0.3).font('Helvetica').fontSize(9);
}

/** Draws one table row of cells at fixed column widths (points) and moves below it. */
function row(doc: Doc, cells: string[], widthsPt: number[], bold = false): void {
  ensureSpace(doc, ROW_PT);
  const y = doc.y;
  let x = MARGIN_PT;
  doc
    .font(bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(9)
    .fillColor('black');
  cells.forEach((cell, i) => {
    const w = widthsPt[i]!;
    doc.text(cell, x + 2, y + 3, { width: w - 4, lineBreak: false, ellipsis: true });
    x += w;
  });
  doc
    .moveTo(MARGIN_PT, y + ROW_PT)
    .lineTo(x, y + ROW_PT)
    .lineWidth(0.3)
    .strokeColor('#999999')
    .stroke();
  doc.x = MARGIN_PT;
  doc.y = y + ROW_PT;
}

function seasonTable(doc: Doc, report: SeasonReport): void {
  heading(doc, 'Season table (seconds on screen)');
  if (report.cast.length === 0) {
    doc.text('No cast member is on screen yet: name the identities in Faces Review.', MARGIN_PT);
    return;
  }
  for (let k = 0; k < Math.max(1, report.episodes.length); k += EPISODES_PER_TABLE) {
    const eps = report.episodes.slice(k, k + EPISODES_PER_TABLE);
    const last = k + EPISODES_PER_TABLE >= report.episodes.length;
    const widths = [150, ...eps.map(() => 52), ...(last ? [64, 52] : [])];
    row(
      doc,
      ['Cast member', ...eps.map((e) => epLabel(e.episode)), ...(last ? ['Total s', 'Share'] : [])],
      widths,
      true,
    );
    for (const c of report.cast) {
      const cells = eps.map((e) => seconds(c.seconds_by_episode[e.ep_id] ?? 0));
      row(doc, [c.name, ...cells, ...(last ? [seconds(c.total_s), percent(c.share)] : [])], widths);
    }
    const durations = eps.map((e) => (e.duration_s === null ? '-' : seconds(e.duration_s)));
    row(
      doc,
      ['Episode length', ...durations, ...(last ? [seconds(report.total_duration_s), ''] : [])],
      widths,
    );
    doc.moveDown(0.6);
  }
}

function barChart(doc: Doc, report: SeasonReport): void {
  heading(doc, 'Screen time per episode (stacked by cast member)');
  const colourOf = new Map(report.cast.map((c, i) => [c.cast_id, PALETTE[i % PALETTE.length]!]));
  const labelPt = 50;
  const maxBarPt = doc.page.width - 2 * MARGIN_PT - labelPt - 90;
  // Cast members can share the screen, so a stack can be longer than its episode: scale to the longest of both.
  const stackS = (e: SeasonReport['episodes'][number]): number =>
    e.cast.reduce((sum, c) => sum + c.seconds, e.unassigned_s);
  const longestS = Math.max(
    1,
    ...report.episodes.map((e) => Math.max(e.duration_s ?? 0, stackS(e))),
  );
  for (const ep of report.episodes) {
    ensureSpace(doc, 22);
    const y = doc.y;
    doc.font('Helvetica').fontSize(9).fillColor('black');
    doc.text(epLabel(ep.episode), MARGIN_PT, y + 4, { width: labelPt, lineBreak: false });
    let x = MARGIN_PT + labelPt;
    const scale = maxBarPt / longestS;
    for (const c of ep.cast) {
      const w = c.seconds * scale;
      doc.rect(x, y, w, 14).fill(colourOf.get(c.cast_id) ?? PALETTE[0]!);
      x += w;
    }
    if (ep.unassigned_s > 0) {
      doc.rect(x, y, ep.unassigned_s * scale, 14).fill(UNASSIGNED_COLOUR);
      x += ep.unassigned_s * scale;
    }
    const total = ep.cast.reduce((s, c) => s + c.seconds, 0);
    const note = ep.run_id === null ? 'no clustered run' : `${seconds(total)} s named`;
    doc.fillColor('black').text(note, x + 6, y + 4, { width: 84, lineBreak: false });
    doc.x = MARGIN_PT;
    doc.y = y + 20;
  }
  ensureSpace(doc, 20);
  let x = MARGIN_PT + labelPt;
  const y = doc.y + 4;
  const legend: [string, string][] = [
    ...report.cast.map((c): [string, string] => [c.name, colourOf.get(c.cast_id)!]),
    ['unassigned', UNASSIGNED_COLOUR],
  ];
  for (const [name, colour] of legend) {
    const w = Math.min(140, doc.widthOfString(name) + 20);
    if (x + w > doc.page.width - MARGIN_PT) {
      break;
    }
    doc.rect(x, y, 9, 9).fill(colour);
    doc
      .fillColor('black')
      .text(name, x + 12, y, { width: w - 12, lineBreak: false, ellipsis: true });
    x += w + 8;
  }
  doc.x = MARGIN_PT;
  doc.y = y + 16;
}

function reviewState(doc: Doc, report: SeasonReport): void {
  heading(doc, 'Review state per episode');
  const widths = [50, 170, 55, 90, 80, 55, 262];
  row(
    doc,
    [
      'Episode',
      'Run',
      'Version',
      'Unassigned ids',
      'Unassigned s',
      'Conflicts',
      'Stale stages / note',
    ],
    widths,
    true,
  );
  for (const ep of report.episodes) {
    const note = ep.error ?? (ep.stale_stages.join(', ') || '-');
    row(
      doc,
      [
        epLabel(ep.episode),
        ep.run_id ?? 'no clustered run',
        ep.review_version === null ? '-' : String(ep.review_version),
        String(ep.identities_unassigned),
        seconds(ep.unassigned_s),
        String(ep.conflicts),
        note,
      ],
      widths,
    );
  }
}

/**
 * The season as a PDF report (A4 landscape).
 * @param report - the season report (`seasonScreentime`)
 * @returns the PDF bytes; text is real text (`pdftotext` reads the names and totals back). Names outside
 *   Windows-1252 cannot be drawn with the built-in Helvetica and come out garbled.
 */
export function seasonPdf(report: SeasonReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN_PT,
    info: {
      Title: `Screen time: ${report.show_id}, season ${report.season}`,
      Creator: 'screenalytics',
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .text(`Screen time: ${report.show_id}, season ${report.season}`);
  const named = report.cast.reduce((s, c) => s + c.total_s, 0);
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(
      `${report.episodes.length} episodes, ${seconds(report.total_duration_s)} s of video, ` +
        `${report.cast.length} cast members on screen for ${seconds(named)} s in all.`,
    );
  seasonTable(doc, report);
  barChart(doc, report);
  reviewState(doc, report);
  doc.end();
  return done;
}
