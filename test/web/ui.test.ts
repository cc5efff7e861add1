/**
 * @module The web UI end to end, as a user works: in Debian's Chromium against a real `screenalytics serve` and
 * `screenalytics worker` on a temp data directory and a per-test Redis prefix. One episode goes through the
 * steps in order: upload, Run all in local mode, review and screen time, a redis run reloaded mid-run, cancel.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../src/types.ts';
import { CLIPS, JobsWorld, type Proc } from '../jobs/harness.ts';
import {
  cardStatus,
  CHROMIUM,
  ensureWebBuilt,
  launchChromium,
  openPage,
  setExecution,
  shoot,
  waitUntil,
} from './browser.ts';
import { reviewFlow } from './review-flow.ts';

const EP_ID = 'franck-s01e01';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`web UI tests skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
}

describe.skipIf(!hasChromium)('web UI', () => {
  let world: JobsWorld;
  let worker: Proc;
  let url = '';
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    world = await JobsWorld.create();
    const [api, startedWorker] = await Promise.all([world.startApi(), world.startWorker()]);
    url = api.url;
    worker = startedWorker;
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      await shoot(page, `failed-${ctx.task.name.replace(/\W+/g, '-')}`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  const card = (stage: string) => page.getByTestId(`stage-${stage}`);

  it('creates an episode when franck.mp4 is uploaded on the Episodes page', async () => {
    await page.goto(url);
    await page.getByRole('button', { name: 'New episode' }).click();
    await page.getByLabel('Show', { exact: true }).fill('Franck');
    await page.getByLabel('Title', { exact: true }).fill('Talking head');
    await page.locator('input[type=file]').setInputFiles(CLIPS.franck);
    await page.getByRole('button', { name: 'Create episode' }).click();
    await page.waitForURL(`**/ui/episodes/${EP_ID}`);
    await page.getByText(/3 min 20 s · 24\.00 fps/).waitFor();
    await page.goto(url);
    await page.getByTestId(`episode-row-${EP_ID}`).waitFor();
    await shoot(page, 'episodes');
    expect(await page.getByTestId(`episode-row-${EP_ID}`).textContent()).toContain('not started');
  });

  it('warns before a local CPU run with a heavy profile', async () => {
    await page.goto(`${url}/ui/episodes/${EP_ID}`);
    await setExecution(page, 'Local (direct)', 'performance');
    await card('detect_track').getByRole('button', { name: 'Run' }).click();
    const dialog = page.getByRole('dialog', { name: 'Heavy run on CPU' });
    await dialog.waitFor();
    await shoot(page, 'episode-detail-heavy-warning');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await cardStatus(card('detect_track'))).toBe('not_started');
  });

  it('turns every stage card complete when Run all runs in local mode', async () => {
    await setExecution(page, 'Local (direct)', 'low_power');
    await page.getByRole('button', { name: 'Run all' }).click();
    await page.getByText('Running detect_track locally…').waitFor();
    await waitUntil(
      'local detect_track progress or its end',
      async () =>
        (await card('detect_track').getByTestId('progress-frames').isVisible()) ||
        (await cardStatus(card('detect_track'))) === 'success',
    );
    await shoot(page, 'episode-detail-local-running');
    const neverQueued = async (): Promise<void> => {
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/Job submitted|Polling/i);
    };
    await waitUntil(
      'every stage card complete',
      async () =>
        (await Promise.all(STAGES.map((s) => cardStatus(card(s))))).every((s) => s === 'success'),
      { invariant: neverQueued },
    );
    await page.getByRole('button', { name: 'Run all' }).waitFor();
    expect(await card('detect_track').textContent()).toMatch(/Complete in .* detections/);
    expect(await card('cluster').textContent()).toContain('1 identities');
    await shoot(page, 'episode-detail-complete');
  });

  it('assigns the identity to a new cast member and shows its seconds on Screen Time', async (ctx) => {
    await reviewFlow(ctx, page, url, EP_ID);
  });

  it('shows the progress bar again when the page is reloaded during a redis detect_track', async () => {
    await page.goto(`${url}/ui/episodes/${EP_ID}`);
    await setExecution(page, 'Redis (queued)', 'balanced');
    await card('detect_track').getByRole('button', { name: 'Run' }).click();
    await card('detect_track').getByTestId('progress-frames').waitFor({ timeout: 60_000 });
    await page.reload();
    await card('detect_track').getByTestId('progress-frames').waitFor({ timeout: 30_000 });
    await card('detect_track').getByTestId('heartbeat-age').waitFor();
    expect(await card('detect_track').getByRole('button', { name: 'Run' }).isDisabled()).toBe(true);
    await shoot(page, 'episode-detail-redis-reloaded');
  });

  it('cancels the running job when Cancel is clicked on its card', async () => {
    await card('detect_track').getByRole('button', { name: 'Cancel' }).click();
    await waitUntil(
      'detect_track cancelled',
      async () => (await cardStatus(card('detect_track'))) === 'cancelled',
    );
    await page.getByTestId('log-job-state').getByText('cancelled').waitFor();
    await shoot(page, 'episode-detail-cancelled');
  });

  it('offers Resume and Cancel when the worker of a running job dies', async () => {
    await card('detect_track').getByRole('button', { name: 'Run' }).click();
    await card('detect_track').getByTestId('progress-frames').waitFor({ timeout: 60_000 });
    worker.child.kill('SIGKILL');
    const stalled = card('detect_track').getByTestId('stalled-warning');
    await stalled.waitFor({ timeout: 60_000 });
    await shoot(page, 'episode-detail-stalled');
    await stalled.getByRole('button', { name: 'Resume' }).click();
    await stalled.waitFor({ state: 'detached' });
    await card('detect_track')
      .getByText(/Queued as job-/)
      .waitFor();
    await card('detect_track')
      .getByText(/No worker is running/)
      .waitFor();
    await shoot(page, 'episode-detail-resumed-no-worker');
    await card('detect_track').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('log-job-state').getByText('cancelled').waitFor();
    await card('detect_track')
      .getByRole('button', { name: 'Cancel' })
      .waitFor({ state: 'detached' });
    expect(await card('detect_track').getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
