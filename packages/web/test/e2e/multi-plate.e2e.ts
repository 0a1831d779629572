/**
 * End-to-end for a job of several plates with failed fields: the job page lists the plates from
 * GET /v1/jobs/{id}/plates and loads one plate's wells at a time (a 500,000-image job has ~145 plates: the page must
 * never ask for every well), switches plates, pages the wells with failed fields from the API, and draws the
 * dose-response over the dose means. Run with `npm run test:e2e`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageFileName, syntheticImageSummary } from '@platescale/synthetic';
import t from 'tap';
import { allWells } from '../../../shared/src/index.js';
import { openPage, signIn } from './browser.js';
import { standInPlatform } from './stand-in.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const TENANT = 'e2e-multi-plate';
const EXPERIMENT = 'MULTIPLATE';
const PLATES = ['MP1', 'MP2', 'MP3'];
const FIELDS = 2;
/** Field 1 of every well in rows A–E of the second plate fails: 60 wells, more than one page of 50. */
const fails = (plate: string, well: string, field: number) => plate === 'MP2' && well < 'F' && field === 1;

t.test('several plates: one plate of wells at a time, plate switch, failed wells paged, dose means', async (t) => {
  const { platform, home, key, api, finish } = await standInPlatform(t, TENANT, (set) =>
    fails(set.plate, set.well, set.field)
      ? { ...set, ok: false, error: { type: 'DecodeError', message: 'truncated TIFF' } }
      : syntheticImageSummary(set, ['DNA']),
  );

  const prefix = `tenants/${TENANT}/experiments/${EXPERIMENT}/`;
  const objects = platform.runtime.objects.withBucket(platform.runtime.config.bucket);
  for (const plate of PLATES) {
    for (const well of allWells(96)) {
      for (let field = 0; field < FIELDS; field++) {
        await objects.put(`${prefix}${imageFileName(plate, well, field, 0)}`, Buffer.alloc(0));
      }
    }
  }
  await api('/v1/experiments', {
    experimentId: EXPERIMENT,
    plateFormat: 96,
    imagePrefix: prefix,
    naming: 'auto',
    channels: ['DNA'],
  });
  // Column 1 negative, 12 positive controls; cmpdA over columns 2–11 as doses on every plate.
  const plateMap = PLATES.flatMap((plate) =>
    allWells(96).map((well) => {
      const column = Number(well.slice(1));
      if (column === 1) return { plate, well, treatment: 'DMSO', role: 'negative_control' };
      if (column === 12)
        return { plate, well, treatment: 'staurosporine', dose: 1, unit: 'uM', role: 'positive_control' };
      return { plate, well, treatment: 'cmpdA', dose: 10 ** ((column - 6) / 3), unit: 'uM' };
    }),
  );
  await api(`/v1/experiments/${EXPERIMENT}/plate-map`, plateMap, 'PUT');
  const { jobId } = await api<{ jobId: string }>('/v1/jobs', {
    experimentId: EXPERIMENT,
    segmentationChannel: 'DNA',
    batchSize: 16,
    toleratedFailurePercentage: 20,
  });
  const status = await finish(jobId);
  t.equal(status, 'PARTIALLY_SUCCEEDED', '60 of 576 fields failed, within the tolerance');

  const { page, pageErrors } = await openPage(t, {
    profile: join(home, 'chromium'),
    failureShot: join(ARTIFACTS, 'multi-plate-failure.png'),
  });
  await signIn(page, platform.url, key);
  const wellRequests: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('/results') && url.searchParams.get('level') === 'well') wellRequests.push(url.search);
  });
  await page.goto(`${platform.url}#/jobs/${jobId}`);
  const heatmap = (plate: string) => page.locator(`table.plate[data-plate="${plate}"]`);
  await heatmap('MP1').waitFor({ timeout: 60_000 });
  t.equal(await heatmap('MP1').locator('button[data-well]:not([disabled])').count(), 96, 'the first plate, whole');
  const plateSelect = page.locator('label', { hasText: /^Plate/ }).locator('select');
  t.same(
    await plateSelect.locator('option').allTextContents(),
    PLATES.map((p) => `${p} (96 wells)`),
    'every plate is listed, with its wells',
  );

  await plateSelect.selectOption('MP2');
  await heatmap('MP2').waitFor({ timeout: 30_000 });
  t.equal(await heatmap('MP2').locator('button[data-well]:not([disabled])').count(), 96, 'the second plate, whole');

  const failures = page.getByRole('region', { name: /^Wells with failed fields/ });
  t.equal(
    await failures.getByRole('heading').textContent(),
    'Wells with failed fields (60 wells, 60 fields)',
    'failed wells and fields counted per plate by the API',
  );
  const status1 = failures.getByTestId('pager-status');
  await status1.waitFor();
  t.equal(await status1.textContent(), 'Failed wells 1–50 of 60', 'the first page of failed wells');
  t.equal(await failures.locator('li').count(), 50);
  await failures.getByRole('button', { name: 'Next' }).click();
  await status1.filter({ hasText: 'Failed wells 51–60 of 60' }).waitFor();
  t.equal(await failures.locator('li').count(), 10, 'the second page, from the API cursor');
  t.match(await failures.locator('li').first().textContent(), /^MP2 E\d\d: 1 of 2 fields failed$/);
  await failures.getByRole('button', { name: 'Previous' }).click();
  await status1.filter({ hasText: 'Failed wells 1–50 of 60' }).waitFor();
  t.match(await failures.locator('li').first().textContent(), /^MP2 A01: 1 of 2 fields failed$/, 'and back');

  const chart = page.getByRole('img', { name: /^Dose-response of Count_Nuclei/ });
  await chart.waitFor();
  t.equal(await chart.locator('circle').count(), 10, 'one point per dose of cmpdA (mean over its wells)');

  t.ok(wellRequests.length > 0, 'well results were read');
  t.same(
    wellRequests.filter((q) => !/[?&]plate=MP\d/.test(q) && !/[?&]failed=true/.test(q)),
    [],
    'never every well of the job: a plate, or the failed wells, at a time',
  );
  t.same(pageErrors, [], 'no script errors');
});
