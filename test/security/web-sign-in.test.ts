/**
 * @module The web UI with accounts, in Debian's Chromium against a real `screenalytics serve`: the sign-in page
 * first (a wrong password is refused), a reviewer signs in, sees the episodes and assigns an identity on Faces Review
 * (the edit log names her), creates an API token (shown once)
 * and revokes it, a viewer is marked read-only
 * (`body[data-role=viewer]`: no New episode, no assign picker, no Undo), sign-out brings the sign-in page back; no page error and no
 * Content-Security-Policy violation along the way.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';
import { CHROMIUM, ensureWebBuilt, launchChromium, openPage, waitUntil } from '../web/browser.ts';
import { addUsers, PASSWORD } from '../helpers/accounts.ts';

const hasChromium = existsSync(CHROMIUM);
const EP_ID = 'web-s01e01';

describe.skipIf(!hasChromium)('web sign-in', () => {
  let world: JobsWorld;
  let url = '';
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    world = await JobsWorld.create();
    await addUsers(world.dataDir, { rita: 'reviewer', vic: 'viewer' });
    const cli = await runCli(['run', CLIPS.cap13, '--ep-id', EP_ID], { dataDir: world.dataDir });
    expect(cli.code, cli.stderr).toBe(0);
    url = (await world.startApi()).url;
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) {
        errors.push(`csp: ${m.text()}`);
      }
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  const signIn = async (name: string, password: string): Promise<void> => {
    await page.getByRole('textbox', { name: 'Name' }).fill(name);
    await page.locator('input[type=password]').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('shows the sign-in page, refuses a wrong password, and signs a reviewer in', async () => {
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn('rita', 'wrong password');
    await page.getByTestId('sign-in-error').waitFor();
    await signIn('rita', PASSWORD);
    await page.getByTestId('user-badge').waitFor();
    expect(await page.getByTestId('user-badge').textContent()).toContain('rita (reviewer)');
    await page.getByRole('link', { name: 'Episodes' }).waitFor();
    expect(await page.locator('body').getAttribute('data-role')).toBe('reviewer');
    expect(await page.getByRole('button', { name: 'New episode' }).isVisible()).toBe(true);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'sa_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    expect(errors).toEqual([]);
  });

  it('lets the reviewer assign an identity on Faces Review, recorded under her name', async () => {
    await page.goto(`${url}/ui/episodes/${EP_ID}/faces`);
    const card = page.getByTestId('identity-id_0001');
    await card.waitFor();
    const picker = card.getByRole('combobox', { name: 'assign id_0001' });
    await picker.click();
    await picker.fill('Cap Person');
    await page.getByRole('option', { name: '+ New cast member "Cap Person"' }).click();
    await card.getByTestId('assigned-name').getByText('Cap Person').waitFor();
    const edits = await page.evaluate(`fetch('/episodes/${EP_ID}/edits').then((r) => r.json())`);
    const first = (edits as { items: { reviewer: string }[] }).items.at(-1);
    expect(first?.reviewer).toBe('rita');
    expect(errors).toEqual([]);
  });

  it('creates an API token in the UI, shown once, that opens the API, then revokes it', async () => {
    await page.getByRole('button', { name: 'Tokens' }).click();
    await page.getByRole('textbox', { name: 'Label' }).fill('ci script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = ((await page.getByTestId('new-token').locator('pre').textContent()) ?? '').trim();
    expect(token).toMatch(/^sa_/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetch(`${url}/auth/me`, { headers: bearer })).status).toBe(200);
    const row = page.locator('[data-testid^="token-tok_"]');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await fetch(`${url}/episodes`, { headers: bearer })).status).toBe(401);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('signs out back to the sign-in page; a viewer is read-only', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // Nothing the UI asks for by itself may be refused to a viewer (the config it reads is GET /config/ui).
    const denied: string[] = [];
    const onResponse = (res: Response): void => {
      if (res.status() === 403) {
        denied.push(res.url());
      }
    };
    page.on('response', onResponse);
    await signIn('vic', PASSWORD);
    await page.getByTestId('user-badge').waitFor();
    expect(await page.locator('body').getAttribute('data-role')).toBe('viewer');
    await page.getByRole('link', { name: 'Episodes' }).waitFor();
    expect(await page.getByRole('button', { name: 'New episode' }).isVisible()).toBe(false);
    await page.goto(`${url}/ui/episodes/${EP_ID}/faces`);
    const card = page.getByTestId('identity-id_0001');
    await card.getByTestId('assigned-name').getByText('Cap Person').waitFor();
    expect(await card.getByRole('combobox', { name: 'assign id_0001' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Undo' }).isVisible()).toBe(false);
    page.off('response', onResponse);
    expect(denied).toEqual([]);
    const hidden = await page.evaluate(
      `(() => { const b = document.createElement('button'); b.dataset.edit = ''; document.body.append(b);
        return getComputedStyle(b).display; })()`,
    );
    expect(hidden).toBe('none');
    const refused = await page.evaluate(
      `fetch('/episodes', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ show: 'Web', season: 1, episode: 1, video_path: ${JSON.stringify(CLIPS.cap13)} }),
      }).then((r) => r.status)`,
    );
    expect(refused).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await waitUntil('anonymous API', async () => {
      const status = await page.evaluate(`fetch('/episodes').then((r) => r.status)`);
      return status === 401;
    });
    expect(errors).toEqual([]);
  });
});
