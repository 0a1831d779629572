import { chromium, type Page } from 'playwright-core';
import type { Test } from 'tap';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A page in headless Debian Chromium with a fresh profile in `profile` (playwright takes it as the persistent
 * context's directory), closed with the test; when the test fails, what the page showed is saved to `failureShot`.
 * `pageErrors` collects uncaught script errors only (the browser also logs the 4xx of optional result levels the UI
 * probes).
 */
export async function openPage(
  t: Test,
  opts: { profile: string; failureShot: string; viewport?: { width: number; height: number } },
): Promise<{ page: Page; pageErrors: string[] }> {
  const browser = await chromium.launchPersistentContext(opts.profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const page = await browser.newPage();
  t.teardown(async () => {
    if (!t.passing()) await page.screenshot({ path: opts.failureShot, fullPage: true }).catch(() => undefined);
    await browser.close();
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { page, pageErrors };
}

/** Signs in to the UI at `url` with an API key, as a user does, and waits for the jobs list. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
}
