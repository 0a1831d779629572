/**
 * End-to-end: the embedded platform (API + runtime) in this process, a demo plate submitted through the API as a
 * lab system would, and the UI driven in headless Debian Chromium — sign in, watch the job reach 100 %, see the
 * 96-well heatmap with its legend, open a well, toggle the mask overlay. Screenshots go to test/artifacts/.
 * Run with `npm run test:e2e` (builds the UI and installs chromium first).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plateMapOf, writePlate } from '@platescale/synthetic';
import type { Page } from 'playwright-core';
import t from 'tap';
import { DEMO_EXPERIMENT, demoPrefix, objectStoreUploader, uploadDemoImages } from '../../../cli/src/lib/demo-plate.js';
import { EXAMPLE_CHANNELS } from '../../../cli/src/lib/example-field.js';
import { localKey, startPlatform } from '../../../cli/src/lib/platform.js';
import { openPage, signIn } from './browser.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const JOB_TIMEOUT_MS = 240_000;
const EXAMPLE_DNA = fileURLToPath(
  new URL('../../../../test/fixtures/example-human/AS_09125_050116030001_D03f00d0.tif', import.meta.url),
);

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

t.test('a demo job in the browser: live progress, heatmap, well drill-down with mask overlay', async (t) => {
  await mkdir(ARTIFACTS, { recursive: true });
  const home = await mkdtemp(join(tmpdir(), 'platescale-e2e-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  // The embedded runtime only: the e2e test must not touch the shared Postgres or Redis of the unit tests.
  const { DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env;
  const platform = await startPlatform({ env: { ...env, PLATESCALE_HOME: home, LOG_LEVEL: 'warn' } });
  t.teardown(() => platform.close());

  const key = await localKey(platform, 'e2e');
  const api = async <T>(path: string, body: unknown, method = 'POST'): Promise<T> => {
    const res = await fetch(new URL(path, platform.url), {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const truth = await writePlate(join(home, 'plate'), { seed: 1, fields: 1 });
  const manifest = await uploadDemoImages(
    objectStoreUploader(platform.runtime.objects, 'e2e'),
    join(home, 'plate'),
    truth,
  );
  await api('/v1/experiments', {
    experimentId: DEMO_EXPERIMENT,
    plateFormat: 96,
    imagePrefix: demoPrefix('e2e'),
    naming: 'manifest',
    channels: EXAMPLE_CHANNELS,
    manifest,
  });
  await api(`/v1/experiments/${DEMO_EXPERIMENT}/plate-map`, plateMapOf(truth), 'PUT');

  const { page, pageErrors } = await openPage(t, {
    profile: join(home, 'chromium'),
    failureShot: join(ARTIFACTS, 'failure.png'),
  });
  await signIn(page, platform.url, key);
  t.equal(
    await page.evaluate('sessionStorage.getItem("platescale.apiKey")'),
    key,
    'the key is kept in session storage',
  );
  t.equal(await page.evaluate('localStorage.length'), 0, 'and nowhere else');

  const { jobId } = await api<{ jobId: string }>('/v1/jobs', {
    experimentId: DEMO_EXPERIMENT,
    segmentationChannel: 'DNA',
    batchSize: 4,
  });
  await page.reload();
  await page.getByRole('link', { name: jobId }).click();
  await page.getByRole('heading', { name: `Job ${jobId}` }).waitFor();
  await shot(page, 'job-running.png');

  const percent = page.getByTestId('percent');
  await percent.filter({ hasText: /^100 %$/ }).waitFor({ timeout: JOB_TIMEOUT_MS });
  t.equal(await percent.textContent(), '100 %', 'progress reaches 100 %');

  const plate = page.locator(`table.plate[data-plate="${truth.plate}"]`);
  await plate.waitFor({ timeout: 60_000 });
  t.equal(await plate.locator('button[data-well]').count(), 96, 'the heatmap shows 96 wells');
  t.equal(await plate.locator('button[data-well]:not([disabled])').count(), 96, 'every well has a result');
  const legend = page.getByRole('figure', { name: /^Legend: Cell count/ });
  t.ok(await legend.isVisible(), 'the legend names the feature');
  t.equal(await plate.locator('button[data-well="A01"]').textContent(), 'N', 'negative controls are marked');
  t.equal(await plate.locator('button[data-well="A12"]').textContent(), 'P', 'positive controls are marked');
  t.ok(await page.getByRole('rowheader', { name: 'Count_Nuclei' }).first().isVisible(), 'Z′ per feature');
  const chart = page.getByRole('img', { name: /^Dose-response of/ });
  await chart.or(page.getByText(/^The fits could not be loaded/)).waitFor();
  const fitted = await chart.isVisible();
  t.ok(
    fitted && (await page.getByRole('rowheader', { name: 'compoundA' }).first().isVisible()),
    fitted
      ? 'EC50 per treatment'
      : `EC50 per treatment (the fits did not load: ${await page.getByText(/^The fits could not be loaded/).textContent()})`,
  );
  await shot(page, 'job-heatmap.png');
  const qcRows = page.getByRole('region', { name: 'Plate quality (Z′)' }).getByRole('row');
  const separating = await qcRows.count();
  await page.getByRole('button', { name: /features that do not separate the controls/ }).click();
  t.ok((await qcRows.count()) > separating, 'features that do not separate the controls are listed on request');

  // Keyboard: a well is a focusable button that names its value.
  const b02 = plate.locator('button[data-well="B02"]');
  t.match(await b02.getAttribute('aria-label'), /^B02, Cell count \d+/, 'wells carry an accessible label');
  await b02.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Well B02/ }).waitFor();
  const image = page.locator('li.field img.channel[data-loaded]');
  await image.first().waitFor({ timeout: 30_000 });
  t.equal(await page.locator('li.field').count(), 1, 'one field per well in this run');
  t.match(await page.getByTestId('field-count').first().textContent(), /^\d+$/, 'per-field count shown');

  t.equal(await page.locator('img.mask').count(), 0, 'no overlay before the toggle');
  await page.getByLabel('Show mask overlay').check();
  await page.locator('img.mask[data-loaded]').first().waitFor({ timeout: 30_000 });
  t.pass('the mask overlay shows when toggled');
  await shot(page, 'well-mask.png');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'per-object CSV' }).first().click();
  const csv = await download;
  t.match(csv.suggestedFilename(), /\.csv$/, 'the per-object CSV downloads');

  // Teach then batch: upload a field, paint two classes, train, preview, run a job with the model.
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('heading', { name: 'Teach a model' }).waitFor();
  await page.getByLabel('Images (PNG or TIFF)').setInputFiles(EXAMPLE_DNA);
  const canvas = page.getByLabel(/^Label painting area/);
  await canvas.waitFor();
  const box = (await canvas.boundingBox())!;
  const drag = async (from: [number, number], to: [number, number]) => {
    await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + to[0] * box.width, box.y + to[1] * box.height, { steps: 12 });
    await page.mouse.up();
  };
  await drag([0.4, 0.4], [0.6, 0.6]);
  await page.getByRole('radio').first().check();
  await drag([0.02, 0.02], [0.2, 0.02]);
  await page.getByRole('button', { name: 'Train' }).click();
  await page.getByText(/^Trained/).waitFor({ timeout: 60_000 });
  await page.locator('img.preview').waitFor({ timeout: 30_000 });
  t.pass('trained from painted labels; the preview mask shows');
  await page.getByRole('cell', { name: 'MLP, 16 hidden' }).first().waitFor({ timeout: 10_000 });
  t.pass('the registry lists the model with its classifier');
  await shot(page, 'model-preview.png');
  await page.getByLabel('Experiment', { exact: true }).fill(DEMO_EXPERIMENT);
  await page.getByRole('button', { name: 'Run a job with this model' }).click();
  await page.getByRole('heading', { name: /^Job job_/ }).waitFor();
  t.pass('a job with the model was submitted');

  t.same(pageErrors, [], 'no script errors');
});
