/**
 * @module End-to-end on a small season cut from the MIT clips (two episodes run through the CLI, a third registered
 * without a video), identities named through the review API by a reviewer, then through `inject()` as a viewer: the
 * season report, its CSV / XLSX / PDF downloads read back (exceljs, `pdftotext`), the WebVTT track, the video with a
 * range request, clear 404s, and `screenalytics export`.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- the tests read the API's JSON answers field by field */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeasonReport } from '../../src/report/index.ts';
import { signedIn, type Injector } from '../helpers/accounts.ts';
import { runCli } from '../helpers/cli.ts';
import { concatClips } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { apiOf, call, CLIPS, cutClip, runPipeline, type App } from '../review/world.ts';

const run = promisify(execFile);
const EP1 = 'mit-s01e01';
const EP2 = 'mit-s01e02';
const EP3 = 'mit-s01e03';
/** Seconds of each part: episode 1 is franck; episode 2 is cap12, then franck. */
const PART_S = { ep1Franck: 12, ep2Cap: 8, ep2Franck: 8 };
/** Largest error of a cast member's seconds in an episode against the part's length. */
const TOLERANCE_S = 1;

let root = '';
let dataDir = '';
let server: App;
/** The reviewer alice (names the identities), signed in. */
let alice: Injector;
/** The viewer vic (reads the report and its exports), signed in. */
let app: Injector;
let report: SeasonReport;
const videos = { ep1: '', ep2: '' };

/** Names every identity of an episode: `pick(start_s)` gives the cast id from its first interval's start. */
async function nameIdentities(epId: string, pick: (startS: number) => string): Promise<void> {
  const live = await call(alice, 'GET', `/episodes/${epId}/screentime`);
  expect(live.status).toBe(200);
  const identities = live.body.identities as { identity_id: string; intervals: number[][] }[];
  expect(identities.length).toBeGreaterThan(0);
  const assignments = identities.map((i) => ({
    identity_id: i.identity_id,
    cast_id: pick(i.intervals[0]?.[0] ?? 0),
  }));
  const res = await call(alice, 'POST', `/episodes/${epId}/clusters/batch_assign`, {
    assignments,
  });
  expect(res.status).toBe(200);
  expect(res.body.edit).toMatchObject({ kind: 'assign', reviewer: 'alice' });
}

beforeAll(async () => {
  root = await makeTempDir('sa-report-season-');
  dataDir = join(root, 'data');
  videos.ep1 = await cutClip(CLIPS.franck, 10, PART_S.ep1Franck, join(root, 'ep1.mp4'));
  const parts = [
    await cutClip(CLIPS.cap12, 0, PART_S.ep2Cap, join(root, 'cap.mp4')),
    await cutClip(CLIPS.franck, 100, PART_S.ep2Franck, join(root, 'franck.mp4')),
  ];
  videos.ep2 = join(root, 'ep2.mp4');
  await concatClips(parts, videos.ep2, { kind: 'copy' }, root);
  await runPipeline(dataDir, videos.ep1, EP1);
  await runPipeline(dataDir, videos.ep2, EP2);
  server = await apiOf(dataDir);
  ({ alice, vic: app } = await signedIn(server, dataDir, { alice: 'reviewer', vic: 'viewer' }));
  for (const [name, castId] of [
    ['Franck', 'franck'],
    ['Cap Twelve', 'cap'],
  ]) {
    const res = await call(alice, 'POST', '/shows/mit/cast', {
      name,
      cast_id: castId,
      role: 'main',
    });
    expect(res.status).toBe(201);
  }
  expect(
    (await call(alice, 'POST', '/episodes', { show: 'mit', season: 1, episode: 3 })).status,
  ).toBe(201);
  await nameIdentities(EP1, () => 'franck');
  await nameIdentities(EP2, (startS) => (startS < PART_S.ep2Cap - 1 ? 'cap' : 'franck'));
  const res = await call(app, 'GET', '/shows/mit/seasons/1');
  expect(res.status).toBe(200);
  report = res.body as SeasonReport;
}, 600_000);

afterAll(async () => {
  await server?.close();
  await removeTempDir(root);
});

const secondsOf = (castId: string, epId: string): number =>
  report.cast.find((c) => c.cast_id === castId)?.seconds_by_episode[epId] ?? NaN;

describe('season report of two MIT episodes', () => {
  it('lists the show with its season and three episodes', async () => {
    const shows = await call(app, 'GET', '/shows');
    const mit = shows.body.items.find((s: { show_id: string }) => s.show_id === 'mit');
    expect(mit.seasons).toEqual([{ season: 1, episodes: 3 }]);
  });

  it('gives each cast member the seconds of their parts, season totals and shares', () => {
    expect(report.episodes.map((e) => [e.ep_id, e.episode])).toEqual([
      [EP1, 1],
      [EP2, 2],
      [EP3, 3],
    ]);
    expect(report.cast.map((c) => c.name)).toEqual(['Franck', 'Cap Twelve']);
    expect(Math.abs(secondsOf('franck', EP1) - PART_S.ep1Franck)).toBeLessThanOrEqual(TOLERANCE_S);
    expect(Math.abs(secondsOf('franck', EP2) - PART_S.ep2Franck)).toBeLessThanOrEqual(TOLERANCE_S);
    expect(Math.abs(secondsOf('cap', EP2) - PART_S.ep2Cap)).toBeLessThanOrEqual(TOLERANCE_S);
    expect(secondsOf('cap', EP1)).toBe(0);
    const franck = report.cast[0]!;
    expect(franck.total_s).toBeCloseTo(secondsOf('franck', EP1) + secondsOf('franck', EP2), 2);
    expect(franck.share).toBeCloseTo(franck.total_s / report.total_duration_s, 3);
    const durations = report.episodes.map((e) => e.duration_s ?? 0);
    expect(report.total_duration_s).toBeCloseTo(durations[0]! + durations[1]!, 2);
  });

  it('shows the review state: version, nothing unassigned, an episode without a run', () => {
    const [ep1, ep2, ep3] = report.episodes;
    for (const ep of [ep1!, ep2!]) {
      expect(ep.run_id).toMatch(/^run-/);
      expect(ep.review_version).toBe(1);
      expect(ep.identities_unassigned).toBe(0);
      expect(ep.unassigned_s).toBe(0);
      expect(ep.conflicts).toBe(0);
      expect(ep.stale_stages).toEqual([]);
    }
    expect(ep3).toMatchObject({ run_id: null, duration_s: null, cast: [], review_version: null });
  });

  it('gives a co-appearance matrix with totals on the diagonal and almost no shared seconds', () => {
    const { cast_ids: ids, seconds } = report.co_appearance;
    expect(ids).toEqual(['franck', 'cap']);
    expect(seconds[0]![0]).toBeCloseTo(report.cast[0]!.total_s, 2);
    expect(seconds[1]![1]).toBeCloseTo(report.cast[1]!.total_s, 2);
    expect(seconds[0]![1]).toBe(seconds[1]![0]);
    // The two never share a shot; only the half sampling step either side of the cut can overlap.
    expect(seconds[0]![1]).toBeLessThan(0.5);
  });

  it('answers 404 naming the show or the season when either is unknown', async () => {
    const show = await call(app, 'GET', '/shows/nope/seasons/1');
    expect(show.status).toBe(404);
    expect(show.body.error.message).toContain('Show nope is unknown');
    const season = await call(app, 'GET', '/shows/mit/seasons/7/export.csv');
    expect(season.status).toBe(404);
    expect(season.body.error.message).toContain('no episode in season 7 (its seasons: 1)');
  });
});

describe('season exports', () => {
  it('downloads a long-format CSV with one row per cast member per episode', async () => {
    const res = await app.inject({ method: 'GET', url: '/shows/mit/seasons/1/export.csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="mit-s01.csv"');
    const [header, ...rows] = res.body.trimEnd().split('\r\n');
    expect(header).toBe('show,season,episode,cast_id,name,seconds,share');
    const parsed = rows.map((r) => r.split(','));
    expect(parsed).toHaveLength(4);
    for (const [show, season, episode, castId, , seconds] of parsed) {
      expect([show, season]).toEqual(['mit', '1']);
      expect(Number(seconds)).toBe(secondsOf(castId!, `mit-s01e0${episode}`));
    }
  });

  it('downloads an XLSX workbook that exceljs reads back: season sheet and one sheet per episode', async () => {
    const res = await app.inject({ method: 'GET', url: '/shows/mit/seasons/1/export.xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="mit-s01.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Season', 'E01', 'E02', 'E03']);
    const season = book.getWorksheet('Season')!;
    expect(season.getRow(1).values).toEqual([
      undefined,
      'cast_id',
      'name',
      'E01',
      'E02',
      'E03',
      'total_s',
      'share',
    ]);
    const franck = season.getRow(2).values as unknown[];
    expect(franck.slice(1, 3)).toEqual(['franck', 'Franck']);
    expect(franck[6]).toBe(report.cast[0]!.total_s);
    const e02 = book.getWorksheet('E02')!;
    const names = [2, 3].map((r) => e02.getRow(r).getCell(2).value);
    expect(names.sort()).toEqual(['Cap Twelve', 'Franck']);
  });

  it('downloads a PDF whose text (pdftotext) holds the cast names and season totals', async () => {
    const res = await app.inject({ method: 'GET', url: '/shows/mit/seasons/1/export.pdf' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="mit-s01.pdf"');
    const file = join(root, 'season.pdf');
    writeFileSync(file, res.rawPayload);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    expect(stdout).toContain('Screen time: mit, season 1');
    for (const c of report.cast) {
      expect(stdout).toContain(c.name);
      expect(stdout).toContain(c.total_s.toFixed(1));
    }
    expect(stdout).toContain('no clustered run');
  });
});

describe('WebVTT track and video', () => {
  it('serves ordered WebVTT cues naming who is on screen', async () => {
    const res = await app.inject({ method: 'GET', url: `/episodes/${EP2}/screentime/cast.vtt` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/vtt');
    const [head, ...blocks] = res.body.trimEnd().split('\n\n');
    expect(head).toBe('WEBVTT');
    const cues = blocks.map((b) => {
      const [, times, text] = b.split('\n');
      const m = /^(\d\d):(\d\d):(\d\d\.\d{3}) --> (\d\d):(\d\d):(\d\d\.\d{3})$/.exec(times!);
      expect(m).not.toBeNull();
      const at = (h: string, mi: string, s: string) =>
        Number(h) * 3600 + Number(mi) * 60 + Number(s);
      return { start: at(m![1]!, m![2]!, m![3]!), end: at(m![4]!, m![5]!, m![6]!), text };
    });
    expect(cues.length).toBeGreaterThanOrEqual(2);
    cues.forEach((c, i) => {
      expect(c.end).toBeGreaterThan(c.start);
      expect(c.start).toBeGreaterThanOrEqual(i > 0 ? cues[i - 1]!.end : 0);
    });
    expect(cues[0]!.text).toBe('Cap Twelve');
    expect(cues.at(-1)!.text).toBe('Franck');
  });

  it('answers a range request with 206 and exactly the first 100 bytes of the video', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/episodes/${EP1}/video`,
      headers: { range: 'bytes=0-99' },
    });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['content-range']).toMatch(/^bytes 0-99\/\d+$/);
    expect(res.rawPayload.equals(readFileSync(videos.ep1).subarray(0, 100))).toBe(true);
    const whole = await app.inject({ method: 'HEAD', url: `/episodes/${EP1}/video` });
    expect(whole.headers['accept-ranges']).toBe('bytes');
    const none = await call(app, 'GET', `/episodes/${EP3}/video`);
    expect(none.status).toBe(404);
  });
});

describe('screenalytics export', () => {
  it('writes the same CSV as the API and prints its path; a bad format exits 2', async () => {
    const out = join(root, 'out.csv');
    const res = await runCli(['export', 'mit', '--season', '1', '--format', 'csv', '--out', out], {
      dataDir,
    });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(out);
    const api = await app.inject({ method: 'GET', url: '/shows/mit/seasons/1/export.csv' });
    expect(readFileSync(out, 'utf8')).toBe(api.body);
    const bad = await runCli(['export', 'mit', '--season', '1', '--format', 'doc'], { dataDir });
    expect(bad.code).toBe(2);
    const unknown = await runCli(['export', 'nope', '--season', '1', '--format', 'pdf'], {
      dataDir,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Show nope is unknown');
  });
});
