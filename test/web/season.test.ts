/**
 * @module Seasons in the web UI (issue 9), end to end in Debian's Chromium against a real `screenalytics serve` and
 * `screenalytics worker` on a temp data directory: enroll two cast members by dropping several images at once on
 * Cast, add a two-episode season of the MIT clips from server paths, Run season in redis mode and see its progress
 * again after closing and reopening the page, then Shows → Season page (table, charts, co-appearance, review
 * state), the three exports opened as a user would, Screen Time with the player, and Faces Review's seconds.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SeasonReport } from '../../src/report/index.ts';
import { CLIPS, http, JobsWorld } from '../jobs/harness.ts';
import { extractFrame, ffmpeg } from '../helpers/media.ts';
import { CHROMIUM, ensureWebBuilt, launchChromium, openPage, shoot, waitUntil } from './browser.ts';
import { checkSeasonExports } from './season-exports.ts';

const SHOW = 'mit';
const SEASON_URL = `/ui/shows/${SHOW}/seasons/1`;
const EPISODES = [`${SHOW}-s01e01`, `${SHOW}-s01e02`];
const hasChromium = existsSync(CHROMIUM);

/** What the test reads of the page's `<video>`. */
interface VideoState {
  /** `HTMLMediaElement.readyState`. */
  readyState: number;
  /** Duration in seconds. */
  durationS: number;
  /** Playhead in seconds. */
  currentS: number;
  /** A seek is in progress. */
  seeking: boolean;
  /** Cues loaded in the first text track. */
  cues: number;
  /** Text of the cues active at the playhead. */
  activeCues: string;
  /** `HTMLMediaElement.networkState` (2: loading). */
  networkState: number;
}

/** Evaluated in the page (a string: the tests compile without the DOM library); `readyState` -1: no player yet. */
const VIDEO_STATE = `(() => {
  const v = document.querySelector('[data-testid="episode-video"]');
  if (!v) {
    return {
      readyState: -1, durationS: 0, currentS: 0, seeking: false, cues: 0, activeCues: '', networkState: 0,
    };
  }
  const t = v.textTracks[0];
  return {
    readyState: v.readyState,
    durationS: v.duration,
    currentS: v.currentTime,
    seeking: v.seeking,
    networkState: v.networkState,
    cues: t && t.cues ? t.cues.length : 0,
    activeCues: t && t.activeCues ? [...t.activeCues].map((c) => c.text).join(' ') : '',
  };
})()`;

describe.skipIf(!hasChromium)('seasons in the web UI', () => {
  let world: JobsWorld;
  let url = '';
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  const files = { franckFace: '', capFace: '', noFace: '', ep1: '', ep2: '' };

  beforeAll(async () => {
    ensureWebBuilt();
    world = await JobsWorld.create();
    const dir = world.dataDir;
    files.franckFace = join(dir, 'franck.png');
    files.capFace = join(dir, 'cap13.png');
    files.noFace = join(dir, 'grey.png');
    files.ep1 = join(dir, 'S01E01.mp4');
    files.ep2 = join(dir, 'S01E02.mp4');
    await extractFrame(CLIPS.franck, 50, files.franckFace);
    await extractFrame(CLIPS.cap13, 10, files.capFace);
    await ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=320x240', '-frames:v', '1', files.noFace]);
    await copyFile(CLIPS.franck, files.ep1);
    await copyFile(CLIPS.cap12, files.ep2);
    const [api] = await Promise.all([world.startApi(), world.startWorker()]);
    url = api.url;
    for (const name of ['Franck', 'Webcam Man']) {
      expect((await http('POST', `${url}/shows/${SHOW}/cast`, { name })).status).toBe(201);
    }
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      await shoot(page, `failed-season-${ctx.task.name.replace(/\W+/g, '-')}`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  const report = async (): Promise<SeasonReport> =>
    (await http<SeasonReport>('GET', `${url}/shows/${SHOW}/seasons/1`)).body;

  it('shows the enrolled face of each dropped image, or why an image was refused', async () => {
    await page.goto(`${url}/ui/shows/${SHOW}/cast`);
    // Two images picked at once: one upload request each, one face crop and one refusal.
    await page
      .getByLabel('facebank images of Franck')
      .setInputFiles([files.franckFace, files.noFace]);
    const franck = page.getByTestId('facebank-uploads-franck');
    await franck.locator('[data-state="enrolled"] img').waitFor({ timeout: 60_000 });
    await franck.getByTestId('facebank-upload-error').waitFor({ timeout: 60_000 });
    expect(await franck.getByTestId('facebank-upload').count()).toBe(2);
    // A real drop on the zone (the browser's DataTransfer, as a file dragged from the desktop).
    const png = (await readFile(files.capFace)).toString('base64');
    const dataTransfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob('${png}'), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], 'cap13.png', { type: 'image/png' }));
      return dt;
    })()`);
    await page.getByTestId('facebank-drop-webcam-man').dispatchEvent('drop', { dataTransfer });
    await page
      .getByTestId('facebank-uploads-webcam-man')
      .locator('[data-state="enrolled"] img')
      .waitFor({ timeout: 60_000 });
    await shoot(page, 'cast-facebank-drop');
  });

  it('adds the episodes and shows the redis season run again after the page is closed and reopened', async () => {
    await page.goto(`${url}${SEASON_URL}`);
    await page.getByRole('button', { name: 'Add episodes' }).click();
    await page
      .getByLabel('Video paths on the server, one a line')
      .fill(`${files.ep2}\n${files.ep1}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Add episodes' }).click();
    const answer = page.getByTestId('add-episodes-answer');
    await answer.getByText(`${EPISODES[0]}: episode 1`).waitFor();
    await answer.getByText(`${EPISODES[1]}: episode 2`).waitFor();
    await page.keyboard.press('Escape');
    await page.getByText('Redis (queued)', { exact: true }).click();
    await page.getByRole('button', { name: 'Run season' }).click();
    const summary = page.getByTestId('season-run-summary');
    await summary.getByText(/Season run in progress/).waitFor({ timeout: 30_000 });
    await shoot(page, 'season-running');

    await page.close();
    ({ page, errors } = await openPage(browser));
    await page.goto(`${url}${SEASON_URL}`);
    const states = async (): Promise<Array<string | null>> =>
      Promise.all(
        EPISODES.map((ep) => page.getByTestId(`season-run-${ep}`).getAttribute('data-state')),
      );
    await page.getByTestId(`season-run-${EPISODES[1]}`).waitFor();
    expect((await states()).some((s) => s !== 'not_started')).toBe(true);
    await shoot(page, 'season-reopened');
    await waitUntil(
      'every episode of the season run done',
      async () => (await states()).every((s) => s === 'success'),
      {
        limitMs: 600_000,
        invariant: async () => expect(await states()).not.toContain('error'),
      },
    );
    await page
      .getByTestId('season-run-summary')
      .getByText(/Redis: every episode is queued/)
      .waitFor();
  });

  it('leads from Shows to the Season page with its table, charts, co-appearance and review state', async () => {
    await page.goto(`${url}/ui/shows`);
    await page.getByTestId(`show-${SHOW}`).waitFor();
    await shoot(page, 'shows');
    await page
      .getByTestId(`show-${SHOW}`)
      .getByRole('link', { name: 'Season 1 (2 episodes)' })
      .click();
    await page.waitForURL(`**${SEASON_URL}`);
    const season = await report();
    expect(season.cast.map((c) => c.cast_id).sort()).toEqual(['franck', 'webcam-man']);
    for (const c of season.cast) {
      const total = page.getByTestId(`season-row-${c.cast_id}`).getByTestId('season-total');
      await total.getByText(c.total_s.toFixed(1), { exact: true }).waitFor();
    }
    await page
      .getByTestId('episode-stack-chart')
      .locator('.recharts-bar-rectangle')
      .first()
      .waitFor();
    await page
      .getByTestId('season-totals-chart')
      .locator('.recharts-bar-rectangle')
      .first()
      .waitFor();
    await page.getByTestId('co-appearance').waitFor();
    for (const ep of EPISODES) {
      await page
        .getByTestId(`review-state-${ep}`)
        .getByRole('link', { name: 'Faces Review' })
        .waitFor();
    }
    await shoot(page, 'season');
  });

  it('downloads the CSV, XLSX and PDF exports from the Season page, each holding the cast totals', async () => {
    await checkSeasonExports(page, await report(), world.dataDir);
  });

  it('plays the episode with the who-is-on-screen track and seeks when the timeline is clicked', async () => {
    const range = await fetch(`${url}/episodes/${EPISODES[0]}/video`, {
      headers: { range: 'bytes=0-99' },
    });
    expect(range.status).toBe(206);
    await page.goto(`${url}/ui/episodes/${EPISODES[0]}/screen-time`);
    const video = (): Promise<VideoState> => page.evaluate<VideoState>(VIDEO_STATE);
    await waitUntil('the video metadata and the cast track', async () => {
      const v = await video();
      return v.readyState >= 1 && v.cues > 0;
    });
    const { durationS } = await video();
    const timeline = page.getByTestId('timeline');
    const box = (await timeline.boundingBox())!;
    // The plot starts after the 8 px margin and the 140 px axis and ends 24 px before the right edge.
    const plotPx = box.width - 8 - 140 - 24;
    await timeline.click({ position: { x: 8 + 140 + plotPx / 2, y: box.height / 2 } });
    await waitUntil('the seek', async () => {
      const v = await video();
      return !v.seeking && v.readyState >= 3 && v.currentS > 0;
    });
    const seeked = await video();
    expect(Math.abs(seeked.currentS - durationS / 2)).toBeLessThan(durationS * 0.02);
    await page.getByTestId('on-screen-now').getByText('On screen: Franck').waitFor();
    await waitUntil('the cue at the playhead', async () =>
      (await video()).activeCues.includes('Franck'),
    );
    // The player draws a loading spinner until the bytes it fetched have arrived: shoot the frame without it.
    await waitUntil('the video idle', async () => (await video()).networkState !== 2);
    await sleep(1000);
    await shoot(page, 'screen-time-player');
  });

  it('shows the seconds on screen of each identity on Faces Review and accepts all auto/high', async () => {
    await page.goto(`${url}/ui/episodes/${EPISODES[1]}/faces`);
    const seconds = page.getByTestId('identity-seconds').first();
    await seconds.getByText(/\d.* on screen/).waitFor();
    await page.getByRole('button', { name: 'Accept all auto/high' }).click();
    await page
      .getByTestId('review-message')
      .getByText('Accept all auto/high done')
      .waitFor({ timeout: 60_000 });
    await shoot(page, 'faces-review-seconds');
    // Face exclusion: open the identity, a track's face samples, click one face out and back in.
    await page.getByTestId('identity-id_0001').getByText('id_0001', { exact: true }).click();
    await page
      .getByText(/^track \d+$/)
      .first()
      .click();
    const face = page.locator('img[data-testid^="face-"]').first();
    await face.waitFor();
    await face.click();
    await page
      .getByTestId('review-message')
      .getByText(/^Excluded the face of track/)
      .waitFor();
    await page.locator('img[data-excluded="true"]').first().waitFor();
    await shoot(page, 'faces-review-excluded');
    await page.locator('img[data-excluded="true"]').first().click();
    await page
      .getByTestId('review-message')
      .getByText(/^Put back the face of track/)
      .waitFor();
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('uploads several files to a season at once and names the one that is not a video', async () => {
    const video = join(world.dataDir, 'S02E01.mp4');
    const text = join(world.dataDir, 'S02E02.mp4');
    await copyFile(CLIPS.cap13, video);
    await writeFile(text, 'not a video\n');
    await page.goto(`${url}/ui/shows/${SHOW}/seasons/2`);
    await page.getByRole('button', { name: 'Add episodes' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('tab', { name: 'Upload files' }).click();
    await dialog.locator('input[type=file]').setInputFiles([video, text]);
    await dialog.getByRole('button', { name: 'Add episodes' }).click();
    const answer = page.getByTestId('add-episodes-answer');
    await answer.getByText(`${SHOW}-s02e01: episode 1 from S02E01.mp4`).waitFor();
    await answer.getByText(/^skipped S02E02\.mp4: /).waitFor();
    await shoot(page, 'season-upload');
    await page.keyboard.press('Escape');
    await page.getByTestId(`review-state-${SHOW}-s02e01`).waitFor();
    expect(errors).toEqual([]);
  });
});
