/**
 * @module The web UI under test: Debian's Chromium driven by playwright-core (never a downloaded browser), the
 * built UI (`npm run build:web`, built here when absent), screenshots under `test-results/web/`, and waits on the
 * page with a deadline (a bound on waiting, not a timed assertion).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/cli.ts';

/** Debian's Chromium (`.ci/run` installs it with apt-get). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the screenshots go (gitignored). */
export const SHOTS_DIR = join(REPO_ROOT, 'test-results', 'web');

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory()
    ? Math.max(0, ...readdirSync(path).map((f) => newestMtimeMs(join(path, f))))
    : stat.mtimeMs;
}

/** Builds the UI when `web/dist` is absent or older than its sources (`npm test` builds it before the tests). */
export function ensureWebBuilt(): void {
  const built = join(REPO_ROOT, 'web', 'dist', 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(REPO_ROOT, 'web', p));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtimeMs))) {
    return;
  }
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const res = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    throw new Error(`vite build failed: ${res.stderr}${res.stdout}`);
  }
}

/** Launches headless Chromium with the flags a CI container needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/**
 * Opens a page that records its console errors and uncaught exceptions.
 * @returns the page and the errors seen so far
 */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  // Reduced motion: the UI then skips its transitions, so screenshots show settled dialogs.
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}

/**
 * Saves a full-page screenshot as `test-results/web/{name}.png`.
 * @param page - the page
 * @param name - file name without extension
 */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

/**
 * Waits until `probe` is true, checking `invariant` at every look (e.g. text that must never appear).
 * @param what - what is awaited, for the error
 * @param probe - true once there
 * @param opts - bound on the wait (generous), and a check run at every look that throws when broken
 * @throws Error naming `what` when the bound passes
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { limitMs?: number; invariant?: () => Promise<void> } = {},
): Promise<void> {
  const end = Date.now() + (opts.limitMs ?? 120_000);
  while (Date.now() < end) {
    await opts.invariant?.();
    if (await probe()) {
      return;
    }
    await sleep(250);
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/**
 * @param card - a stage card (`data-testid="stage-{stage}"`)
 * @returns its `data-status` attribute
 */
export async function cardStatus(card: Locator): Promise<string | null> {
  return card.getAttribute('data-status');
}

/**
 * Sets the Execution Settings of the episode page: opens the expander, picks the mode and the profile.
 * @param page - Episode Detail or Faces Review
 * @param mode - label of the mode, e.g. `Local (direct)`
 * @param profile - profile name
 */
export async function setExecution(page: Page, mode: string, profile: string): Promise<void> {
  const toggle = page.getByRole('button', { name: /Execution Settings/ });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') {
    await toggle.click();
  }
  await page.getByText(mode, { exact: true }).click();
  await page.getByRole('combobox', { name: 'Profile' }).click();
  await page.getByRole('option', { name: profile, exact: true }).click();
  await waitUntil('the settings summary', async () => {
    const summary = (await page.getByTestId('execution-summary').textContent()) ?? '';
    return summary.includes(mode) && summary.includes(`profile ${profile}`);
  });
}
